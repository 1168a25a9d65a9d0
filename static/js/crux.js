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

  new MutationObserver((mutations) => {
    for (const mutation of mutations) mutation.addedNodes.forEach(dropDuplicates);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
