// Crux's small behaviours beyond htmx. No inline scripts: this file is all there is.
(() => {
  "use strict";

  // The live indicator: a word and a dot, driven by the SSE extension's connection events.
  const STATES = {
    live: "Live",
    reconnecting: "Reconnecting…",
    offline: "Offline: updates paused",
  };
  function setLiveState(element, state) {
    element.dataset.state = state;
    const text = element.querySelector(".live__text");
    if (text && STATES[state]) text.textContent = STATES[state];
  }
  for (const element of document.querySelectorAll('.live[data-state="connecting"] .live__text')) {
    element.textContent = "Connecting…";
  }
  document.addEventListener("htmx:sse:after:connection", (event) => setLiveState(event.target, "live"));
  document.addEventListener("htmx:sse:error", (event) => setLiveState(event.target, "reconnecting"));
  document.addEventListener("htmx:sse:close", (event) => {
    if (event.target.isConnected) setLiveState(event.target, "offline");
  });

  // An argument can arrive twice (the poster's own response and the live stream): keep the
  // first copy, so nothing already on the page moves or is replaced under the reader.
  function dropDuplicates(node) {
    if (!(node instanceof Element) || !node.matches("li.argument[id]")) return;
    if (document.querySelectorAll(`[id="${node.id}"]`).length > 1) node.remove();
  }
  // A button with data-dismiss="<selector>" removes its closest match (the in-place flag form's
  // Cancel). Delegated here rather than hx-on, which would need the CSP to allow eval.
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("[data-dismiss]");
    if (button) button.closest(button.dataset.dismiss)?.remove();
  });

  // A page restored from the back/forward cache shows the debate as it was when left: load it
  // afresh instead (the server marks pages no-store, so a reload is never the stale copy).
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload();
  });

  // An in-place reply form: Cancel or Escape closes it where it is and gives focus back to the
  // link that opened it; without JavaScript, Cancel is a plain link back to the claim.
  function replyOpener(slot) {
    const pk = slot.id.replace("reply-slot-", "");
    const selector = pk === "motion" ? ".debate__actions a" : `#argument-${pk} .reply-link`;
    return document.querySelector(selector);
  }
  function closeReply(slot) {
    slot.replaceChildren();
    replyOpener(slot)?.focus();
  }
  document.addEventListener("click", (event) => {
    const cancel = event.target instanceof Element && event.target.closest(".reply-slot .form-actions a");
    if (!cancel) return;
    event.preventDefault();
    closeReply(cancel.closest(".reply-slot"));
  });
  document.addEventListener("keydown", (event) => {
    const slot = event.key === "Escape" && event.target instanceof Element && event.target.closest(".reply-slot");
    if (slot && slot.querySelector("form")) closeReply(slot);
  });

  // A field with a length limit counts as one types or pastes, and says how far over it is,
  // instead of the browser silently cutting a pasted claim at the limit (the server refuses it).
  document.addEventListener("focusin", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLElement) || !field.matches("form textarea[maxlength], form input[type=text][maxlength]")) return;
    const limit = Number(field.getAttribute("maxlength"));
    field.removeAttribute("maxlength");
    const count = document.createElement("p");
    count.className = "char-count";
    count.id = `${field.id}-count`;
    count.setAttribute("aria-live", "polite");
    field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${count.id}`.trim());
    field.after(count);
    const update = () => {
      const over = field.value.length - limit;
      count.classList.toggle("char-count--over", over > 0);
      count.textContent = over > 0 ? `${over} character${over === 1 ? "" : "s"} over the limit of ${limit}` : `${field.value.length} of ${limit} characters`;
    };
    field.addEventListener("input", update);
    update();
  });

  // After posting in place, focus goes to the new argument; after a refusal, to the first field
  // in error (or the form's own message).
  let posting = false;
  document.addEventListener("submit", (event) => {
    posting = event.target instanceof Element && Boolean(event.target.closest(".reply-slot"));
  });
  function focusAfterPost(node) {
    if (!posting || !(node instanceof Element)) return;
    const target = node.matches("li.argument[id]")
      ? node.querySelector(".argument__body")
      : node.querySelector(".field--invalid input, .field--invalid textarea, .field__error, .notice--refusal");
    if (!target) return;
    posting = false;
    if (!target.matches("input, textarea")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      mutation.addedNodes.forEach(dropDuplicates);
      mutation.addedNodes.forEach(focusAfterPost);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
