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
  // A 404 when reconnecting means the stream's address no longer holds (a member's token lasts a
  // day, and only while she is signed in): asking again every few seconds would only repeat it, so the
  // page stops; a reload gets a new one.
  const refused = new WeakSet();
  document.addEventListener("htmx:sse:error", (event) => {
    if (event.detail?.status === 404) refused.add(event.target);
    setLiveState(event.target, "reconnecting");
  });
  // Retries back off (the stream's `retry:` doubling, capped in htmx-config so a page is back
  // within seconds of the server); a browser that says it is online again need not wait out the
  // current delay, which after a long outage could be most of that cap.
  const waiting = new Map();
  document.addEventListener("htmx:sse:before:connection", (event) => {
    if (refused.has(event.target)) event.preventDefault();
    else if (event.detail?.connection) waiting.set(event.target, event.detail.connection);
  });
  document.addEventListener("htmx:sse:after:connection", (event) => waiting.delete(event.target));
  window.addEventListener("online", () => {
    for (const [element, connection] of waiting) {
      if (element.isConnected) connection.delayCanceller?.();
      else waiting.delete(element);
    }
  });
  document.addEventListener("htmx:sse:close", (event) => {
    waiting.delete(event.target);
    if (event.target.isConnected) setLiveState(event.target, "offline");
  });

  // An argument can arrive twice (the poster's own response and the live stream): keep the
  // first copy, so nothing already on the page moves or is replaced under the reader.
  function dropDuplicates(node) {
    if (!(node instanceof Element) || !node.matches("li.argument[id]")) return;
    if (document.querySelectorAll(`[id="${node.id}"]`).length > 1) node.remove();
  }
  // A form that arrived live carries no CSRF field (the stream has no request: htmx sends the
  // page's token in a header). Sent as a plain form all the same (htmx not loaded, say), it
  // takes the page's token, as the form a reload gives has it.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== "post" || form.elements.csrfmiddlewaretoken) return;
    const token = JSON.parse(document.body.getAttribute("hx-headers:inherited") || "{}")["X-CSRFToken"];
    if (!token) return;
    const field = Object.assign(document.createElement("input"), { type: "hidden", name: "csrfmiddlewaretoken", value: token });
    form.prepend(field);
  }, true);
  // An in-place request that got no answer it can show (the server failing: 5xx, which
  // htmx-config leaves unswapped; or the connection dropping) leaves the form and what was typed
  // where they were and says so above it, once: a second failure replaces the first message, as
  // an expired form's message (config.views.csrf_failure) is replaced by the next.
  function sayBefore(target, text) {
    if (!(target instanceof Element) || !target.isConnected) return;
    while (target.previousElementSibling?.matches(".in-place-error")) target.previousElementSibling.remove();
    const notice = Object.assign(document.createElement("p"), { className: "notice notice--refusal in-place-error", textContent: text });
    notice.setAttribute("role", "alert");
    target.before(notice);
  }
  function failedTarget(event) {
    const ctx = event.detail?.ctx;
    return ctx?.target instanceof Element ? ctx.target : ctx?.sourceElement || event.target;
  }
  document.addEventListener("htmx:response:error", (event) => {
    const status = event.detail?.ctx?.response?.status;
    if (!(status >= 500) || event.target?.closest?.(".live")) return;
    sayBefore(failedTarget(event), `Crux could not answer just now (error ${status}). Nothing you wrote is lost: try again in a moment.`);
  });
  document.addEventListener("htmx:error", (event) => {
    if (event.target?.closest?.(".live")) return;
    sayBefore(failedTarget(event), "The connection dropped before Crux answered. Nothing you wrote is lost: reload the page to see whether it went through, or try again.");
  });
  document.addEventListener("htmx:after:swap", (event) => {
    const target = failedTarget(event);
    const newest = target?.previousElementSibling;
    if (!newest?.matches(".in-place-error")) return;
    while (newest.previousElementSibling?.matches(".in-place-error")) newest.previousElementSibling.remove();
  });
  // A button with data-dismiss="<selector>" removes its closest match (the in-place flag form's
  // Cancel). Delegated here rather than hx-on, which would need the CSP to allow eval.
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("[data-dismiss]");
    if (!button) return;
    const slot = button.closest(".flag-slot");
    button.closest(button.dataset.dismiss)?.remove();
    if (slot) flagOpener(slot)?.focus();
  });
  // Back to the link that opened a flag slot's form, as a closed reply form does.
  function flagOpener(slot) {
    return document.getElementById(slot.id.replace("flag-slot-", "flag-link-"));
  }

  // A form opened in place from its link (a reply, a flag) takes the focus, so a keyboard or
  // screen-reader user is in it, not left on a link with nothing said of what appeared below.
  // Once sent, a flag's "Flagged" answer takes it, as does a queue entry's outcome.
  document.addEventListener("htmx:after:swap", (event) => {
    const opener = event.target instanceof Element && event.target.closest("a[hx-target^='#reply-slot-'], a[hx-target^='#flag-slot-']");
    const slot = opener && document.querySelector(opener.getAttribute("hx-target"));
    const field = slot?.querySelector("form input:not([type=hidden]), form textarea");
    // A group of radios is entered at its checked one (a restored draft's stance), as Tab does.
    (field?.type === "radio" ? field.form.querySelector(`[name="${field.name}"]:checked`) || field : field)?.focus();
    const done = document.querySelector(".flag-slot .flag-form--done:not([tabindex])");
    if (done) {
      done.setAttribute("tabindex", "-1");
      done.focus();
    }
    const answered = document.querySelector(".queue-item--resolved:not([tabindex]), .queue-item:has(> .notice--refusal):not([tabindex])");
    if (answered) {
      answered.setAttribute("tabindex", "-1");
      answered.focus();
    }
  });

  // "Show N more replies" puts what it held back in its own place (or in its argument's): the
  // focus goes on to the first reply it showed, where a keyboard user reads on, rather than to
  // the page's start with the link gone. Before the handler below, which then leaves it there.
  let unfolding = null;
  document.addEventListener("htmx:before:swap", (event) => {
    const source = event.detail?.ctx?.sourceElement;
    if (!(source instanceof Element) || !source.matches("a.show-more, .more-replies > a")) return;
    const shown = new Set([...document.querySelectorAll("li.argument[id]")].map((argument) => argument.id));
    unfolding = { list: source.closest("ol"), shown };
  });
  document.addEventListener("htmx:after:swap", () => {
    const { list, shown } = unfolding || {};
    unfolding = null;
    const first = list && [...list.querySelectorAll("li.argument[id]")].find((argument) => !shown.has(argument.id));
    const body = first?.querySelector(":scope > .argument__body");
    if (!body) return;
    body.setAttribute("tabindex", "-1");
    body.focus();
  });

  // Any other in-place answer that replaced what held the focus (a retracted argument, a form
  // sent back with its errors) hands the focus to what came in its place: the field in error,
  // else the message, else the new content itself. Keyboard and screen-reader users are told
  // what happened instead of being left on the page's body; a live swap elsewhere moves nothing.
  // Whichever swap takes it away: the poster's own answer, or the live stream's copy first. Both
  // may be under way at once (the stream's copy of the argument's body, the answer's whole
  // argument), so every area is kept and the outermost one that came back takes the focus.
  const refocus = new Set();
  document.addEventListener("htmx:before:swap", (event) => {
    const active = document.activeElement;
    if (!active || active === document.body) return;
    for (const task of event.detail?.tasks || []) {
      const target = task.target;
      if (target instanceof Element && target.id && target.contains(active)) refocus.add(target.id);
    }
  });
  document.addEventListener("htmx:after:swap", () => {
    const areas = [...refocus].map((id) => document.getElementById(id)).filter(Boolean);
    refocus.clear();
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const area = areas.find((candidate) => !areas.some((other) => other !== candidate && other.contains(candidate)));
    if (!area) return;
    const into = area.querySelector('[aria-invalid="true"], [role="alert"]') || area;
    if (!into.matches("input, textarea, select, button, a[href]")) into.setAttribute("tabindex", "-1");
    into.focus();
  });

  // A page restored from the back/forward cache shows the debate as it was when left: load it
  // afresh instead (the server marks pages no-store, so a reload is never the stale copy).
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload();
  });

  // An in-place reply form: Cancel or Escape closes it where it is and gives focus back to the
  // link that opened it; without JavaScript, Cancel is a plain link back to the claim.
  // What was typed is kept as a draft for this tab (sessionStorage, by the address the form posts
  // to), as a browser keeps a page's form without JavaScript: the same form opened again, here or
  // on coming back to the page, holds it, and a page left with the form open opens it again.
  // Posting it ends the draft.
  function replyOpener(slot) {
    const pk = slot.id.replace("reply-slot-", "");
    const selector = pk === "motion" ? ".debate__actions a" : `#argument-${pk} .reply-link`;
    return document.querySelector(selector);
  }
  // Hers alone (her profile's address, from the nav): whoever signs in next in this tab finds
  // none of them, and a page read signed out opens no form.
  const drafter = document.querySelector(".site-nav__user")?.getAttribute("href");
  const DRAFT = `crux:draft:${drafter}:`;
  const here = () => location.pathname + location.search;
  const draftKey = (form) => DRAFT + form.getAttribute("action");
  function readDraft(key) {
    try {
      return JSON.parse(sessionStorage.getItem(key));
    } catch {
      return null;
    }
  }
  function writeDraft(key, draft) {
    try {
      if (draft) sessionStorage.setItem(key, JSON.stringify(draft));
      else sessionStorage.removeItem(key);
    } catch {
      // Storage refused (full, or switched off): the form still works, only without a draft.
    }
  }
  const typed = (form) =>
    [...new FormData(form)].filter(([name, value]) => typeof value === "string" && value && !["csrfmiddlewaretoken", "submission_key"].includes(name));
  function saveDraft(form, open) {
    const values = typed(form);
    const slot = form.closest(".reply-slot");
    writeDraft(draftKey(form), values.length && slot ? { values, open, page: here(), slot: slot.id } : null);
  }
  function restoreDraft(form) {
    const draft = readDraft(draftKey(form));
    // A form sent back with its errors holds what was sent: that wins.
    if (!draft || typed(form).length) return;
    for (const [name, value] of draft.values) {
      const field = form.elements.namedItem(name);
      if (field) field.value = value; // a group of radios checks the one with that value
    }
    const more = form.querySelector("details.argument-form__more");
    if (more && [...more.querySelectorAll("input, textarea")].some((field) => field.value)) more.open = true;
    saveDraft(form, true);
  }
  function restoreAdded(node) {
    if (node instanceof HTMLFormElement && node.matches(".reply-slot form.argument-form")) restoreDraft(node);
  }
  function closeReply(slot) {
    const form = slot.querySelector("form.argument-form");
    if (form) saveDraft(form, false);
    slot.replaceChildren();
    replyOpener(slot)?.focus();
  }
  document.addEventListener("click", (event) => {
    const cancel = event.target instanceof Element && event.target.closest(".reply-slot .form-actions a");
    if (!cancel) return;
    event.preventDefault();
    closeReply(cancel.closest(".reply-slot"));
  });
  // Escape closes a form opened in place as its Cancel does: a reply's (its draft kept), a flag's.
  document.addEventListener("keydown", (event) => {
    const slot = event.key === "Escape" && event.target instanceof Element && event.target.closest(".reply-slot, .flag-slot");
    if (!slot || !slot.querySelector("form")) return;
    if (slot.matches(".reply-slot")) {
      closeReply(slot);
      return;
    }
    // A note typed is not thrown away by a key pressed to dismiss the browser's suggestions:
    // only Cancel closes a flag form that holds one.
    if (slot.querySelector(".flag-form textarea")?.value.trim()) return;
    slot.querySelector(".flag-form")?.remove();
    flagOpener(slot)?.focus();
  });
  document.addEventListener("input", (event) => {
    const form = event.target instanceof Element && event.target.closest(".reply-slot form.argument-form");
    if (form) saveDraft(form, true);
  });
  document.addEventListener("htmx:after:request", (event) => {
    const ctx = event.detail?.ctx;
    const form = ctx?.sourceElement;
    const posted = ctx?.request?.method === "POST" && ctx.response?.status < 300 && !ctx.hx?.redirect;
    if (posted && form instanceof HTMLFormElement && form.matches(".reply-slot form.argument-form")) writeDraft(draftKey(form), null);
  });
  function reopenDrafts() {
    if (!drafter) return;
    let keys;
    try {
      keys = Object.keys(sessionStorage).filter((key) => key.startsWith(DRAFT));
    } catch {
      return;
    }
    for (const key of keys) {
      const draft = readDraft(key);
      const slot = draft?.open && draft.page === here() && document.getElementById(draft.slot);
      const opener = slot && !slot.querySelector("form") && replyOpener(slot);
      if (opener && !opener.hidden) htmx.ajax("GET", key.slice(DRAFT.length), { source: opener, target: slot });
    }
  }
  // After htmx's own start, which runs first (its script is not deferred; this one is).
  document.addEventListener("DOMContentLoaded", reopenDrafts);
  // Signing out leaves none of her drafts in the tab for whoever uses the computer next.
  document.addEventListener("submit", (event) => {
    // The attribute, not form.action: a control named "action" (the log's filter) shadows that.
    if (!(event.target instanceof HTMLFormElement) || !event.target.getAttribute("action")?.endsWith("/accounts/logout/")) return;
    try {
      Object.keys(sessionStorage).filter((key) => key.startsWith(DRAFT)).forEach((key) => sessionStorage.removeItem(key));
    } catch {
      // Storage refused: there are no drafts to clear.
    }
  });

  // Sent to sign in from a control in place (a reply link, a vote), one comes back where the
  // control leads without JavaScript: the reply form's own page, the claim voted on (the vote
  // form's `next`), not the top of the page the server only knows the request came from.
  document.addEventListener("htmx:after:request", (event) => {
    const ctx = event.detail?.ctx;
    const source = ctx?.sourceElement;
    if (!ctx?.hx?.redirect || !(source instanceof Element)) return;
    const to = new URL(ctx.hx.redirect, location.href);
    const next = to.searchParams.get("next");
    const back = source.matches("a[href]") ? source.getAttribute("href") : source.closest("form")?.elements.namedItem("next")?.value;
    if (!next || !back || to.origin !== location.origin || new URL(next, location.href).pathname !== location.pathname) return;
    to.searchParams.set("next", back);
    ctx.hx.redirect = to.pathname + to.search + to.hash;
  });

  // Characters as the server counts them (code points): an emoji is one, not its two UTF-16 halves.
  const characters = (text) => text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || []).length;

  // A field with a length limit counts as one types or pastes, and says how far over it is,
  // instead of the browser silently cutting a pasted claim at the limit (the server refuses it).
  // A page refused for a field's length focuses that field before this script runs: it is
  // counted at once. Its figures have their thousands separated, as the server's refusals and
  // the help texts write them (200,000).
  const figure = (n) => n.toLocaleString("en");
  function countCharacters(field) {
    const limited = "form textarea[maxlength], form input[type=text][maxlength], form [data-limit]";
    if (!(field instanceof HTMLElement) || !field.matches(limited) || field.dataset.counted) return;
    const limit = Number(field.getAttribute("maxlength") || field.dataset.limit);
    field.removeAttribute("maxlength");
    field.dataset.counted = "true";
    const count = document.createElement("p");
    count.className = "char-count";
    count.id = `${field.id}-count`;
    count.setAttribute("aria-live", "polite");
    field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${count.id}`.trim());
    field.after(count);
    const update = () => {
      const length = characters(field.value);
      const over = length - limit;
      count.classList.toggle("char-count--over", over > 0);
      count.textContent = over > 0 ? `${figure(over)} character${over === 1 ? "" : "s"} over the limit of ${figure(limit)}` : `${figure(length)} of ${figure(limit)} characters`;
    };
    // The server's refusal of its length says what the counter would: the counter starts
    // silent beside it, and takes over from it (then stale) at the first change.
    const said = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && id !== count.id).map((id) => document.getElementById(id)).filter(Boolean);
    update();
    const echoes = said.flatMap((region) => [region, ...region.querySelectorAll(".field__error")]).filter((error) => error.matches(".field__error") && error.textContent.trim() === `${count.textContent}.`);
    if (echoes.length) count.textContent = "";
    field.addEventListener("input", () => {
      for (const error of echoes) error.hidden = true;
      update();
    });
  }
  document.addEventListener("focusin", (event) => countCharacters(event.target));
  countCharacters(document.activeElement);

  // After posting in place, focus goes to the new argument; after a refusal, to the first field
  // in error (or the form's own message). Hers is the argument that says what she sent: another
  // that arrives live meanwhile is not.
  let posting = null;
  const oneLine = (text) => (text || "").replace(/\s+/g, " ").trim();
  document.addEventListener("submit", (event) => {
    const form = event.target instanceof Element && event.target.closest(".reply-slot form");
    posting = form ? oneLine(form.elements.namedItem("claim")?.value) : null;
  });
  // The same reply sent again posts nothing: the answer saying so goes beside the argument she
  // posted before, when the page shows it, and takes the focus there.
  const answer = ".field--invalid input, .field--invalid textarea, .field__error, .notice--refusal, .notice--posted-before";
  function focusAfterPost(node) {
    if (posting === null || !(node instanceof Element)) return;
    if (node.matches("li.argument[id]") && oneLine(node.querySelector(".argument__claim")?.textContent) !== posting) return;
    const target = node.matches("li.argument[id]") ? node.querySelector(".argument__body") : node.matches(answer) ? node : node.querySelector(answer);
    if (!target) return;
    posting = null;
    const before = target.matches(".notice--posted-before") && target.querySelector("a[data-argument]");
    const earlier = before && document.getElementById(`body-${before.dataset.argument}`);
    if (earlier) {
      earlier.after(target);
      before.href = `#argument-${before.dataset.argument}`;
    }
    if (!target.matches("input, textarea")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  // --- A new argument in its place -----------------------------------------------------------------
  // The posted argument comes once for every page, to the end of its list (reply.html#posted): its
  // author's answer and the live stream alike. Each page puts it where a reload would: by the
  // order in its address (?sort=, read as debates.queries.reply_order reads it), or a group's view
  // (#group-line). A new argument has no votes and no replies and is the newest, so it goes after
  // the last sibling that PRECEDES says a reload puts before it. "bridging" and a group's view
  // rank it as "best" does, after the arguments their analysis scored; the page cannot tell
  // those, so it goes as in "best" (a scored one only disagreed with, last, would follow it).
  // The counts are those the page shows: the arguments already there do not move (nothing moves
  // under a reader), so once votes have changed a reload may order those otherwise.
  const numberIn = (id) => Number.parseInt(document.getElementById(id)?.textContent, 10);
  const PRECEDES = {
    newest: () => false,
    oldest: () => true,
    // No votes is the least divisive there is, and among those the oldest come first.
    controversial: () => true,
    discussed: (sibling) => numberIn(`count-${sibling.id.replace("argument-", "")}`) > 0,
    best: (sibling) => {
      const pk = sibling.id.replace("argument-", "");
      const agree = numberIn(`vote-argument-${pk}-agree-count`);
      const disagree = numberIn(`vote-argument-${pk}-disagree-count`);
      // A withdrawn argument shows no votes (NaN): the new one goes by the others.
      return agree > 0 || disagree === 0;
    },
  };
  function pageOrder() {
    if (document.getElementById("group-line")) return "best";
    const sort = new URLSearchParams(location.search).get("sort");
    return Object.hasOwn(PRECEDES, sort) ? sort : "best";
  }
  document.addEventListener("htmx:before:swap", (event) => {
    for (const task of event.detail?.tasks || []) {
      const list = task.target;
      const arriving = task.fragment && [...task.fragment.children].find((node) => node.matches("li.argument--new[id]"));
      if (!arriving || !(list instanceof Element) || !list.id.startsWith("replies-")) continue;
      const precedes = PRECEDES[pageOrder()];
      const siblings = [...list.children].filter((node) => node.matches("li.argument[id]") && node.id !== arriving.id);
      const after = siblings.findLast((sibling) => precedes(sibling));
      // After all it follows, it stays last: past a "Show more" too, whose batch drops its copy.
      if (!siblings.length || after === siblings.at(-1)) continue;
      task.target = after || list;
      task.swapSpec = { ...task.swapSpec, style: after ? "afterend" : "afterbegin" };
    }
  });

  // --- Live copies as this viewer would see them on reloading -----------------------------------
  // The stream renders each event once, as the public sees it. What this viewer sees differently
  // lies in marked regions of an argument (<!--r:NAME-PK--> … <!--/r-->): a new argument's message
  // brings the regions members and its author see; the rest (a changed argument, a changed
  // motion, anything for moderators) the page asks the server for (data-own-url).
  const live = document.getElementById("live-status");
  const viewer = live?.dataset.viewer || "";
  const audience = live?.dataset.audience || "anonymous";
  // A suspended member is offered nothing to reply, vote or flag with (debates.policy.takes_part).
  const takesPart = !audience.startsWith("suspended");
  const isEnd = (node) => node?.nodeType === Node.COMMENT_NODE && node.data === "/r";

  function regionStart(root, name) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.data === `r:${name}`) return node;
    }
    return null;
  }
  function put(nodes, parent, before) {
    for (const node of nodes) {
      parent.insertBefore(node, before);
      if (node instanceof Element) htmx.process(node);
    }
  }
  function regionNodes(start) {
    const nodes = [];
    for (let node = start.nextSibling; node && !isEnd(node); node = node.nextSibling) nodes.push(node);
    return nodes;
  }

  // A copy never takes what a moderator is using in her tools (an argument's region "mod-N", the
  // motion's #motion-moderation): the panel she opened, the reason she is typing, the outcome of
  // her own act she is reading. While the copy offers the same acts, hers stays as it is; once it
  // offers others (another moderator acted first), they come in open, with what she typed, unless
  // they have no field for it (an argument retracted meanwhile): then hers stays, and sending it
  // says why it can no longer be done. A flag form open in what a copy replaces (the motion's
  // text) moves into the copy's slot; an argument's flag and reply slots are outside its body.
  const TYPED = "input[type=text], textarea";
  const within = (nodes, selector) =>
    nodes.flatMap((node) => (node instanceof Element ? [...(node.matches(selector) ? [node] : []), ...node.querySelectorAll(selector)] : []));
  const typedIn = (nodes) => within(nodes, TYPED).filter((field) => field.value !== field.defaultValue);
  const inUse = (nodes) => within(nodes, "details[open]").length > 0 || typedIn(nodes).length > 0;
  const acts = (nodes) => within(nodes, "form").map((form) => form.getAttribute("action")).join(" ");
  // What stands in `after` where `element` stood in `before`: the same id, else the same kind of
  // element at the same place (the reason of the same form, whichever act that form now does).
  function counterpart(element, before, after) {
    const same = element.id && within(after, `[id="${CSS.escape(element.id)}"]`)[0];
    return same || within(after, element.localName)[within(before, element.localName).indexOf(element)];
  }
  function keeps(before, after) {
    if (!inUse(before)) return false;
    return acts(before) === acts(after) || typedIn(before).some((field) => !counterpart(field, before, after)?.matches(TYPED));
  }
  function focusState() {
    const element = document.activeElement;
    let start = null;
    let end = null;
    try {
      [start, end] = [element.selectionStart, element.selectionEnd];
    } catch {
      // Not a text field: nothing selected to put back.
    }
    return { element, start, end };
  }
  function focusAgain(focus, element) {
    if (!element?.isConnected) return;
    element.focus({ preventScroll: true });
    if (focus.start !== null && element.setSelectionRange) element.setSelectionRange(focus.start, focus.end);
  }
  function carry(before, after, focus) {
    for (const slot of within(before, ".flag-slot")) {
      const into = slot.firstChild && within(after, `[id="${CSS.escape(slot.id)}"]`)[0];
      into?.replaceChildren(...slot.childNodes);
    }
    const opened = within(before, "details").map((details) => details.open);
    within(after, "details").forEach((details, i) => {
      if (opened[i]) details.open = true;
    });
    for (const field of typedIn(before)) {
      const into = counterpart(field, before, after);
      if (into?.matches(TYPED)) into.value = field.value;
    }
    if (focus) focusAgain(focus, focus.element.isConnected ? focus.element : counterpart(focus.element, before, after));
  }
  // A live copy of an argument brings its moderation region empty (the public's): a region she
  // is using goes into the copy as it is, and her own copy, asked for next, is weighed against it.
  // A flag form open in what it replaces goes into the copy's slot.
  // In the capture phase, before the handlers above, which would move the focus to the argument.
  let keptFocus = null;
  document.addEventListener(
    "htmx:before:swap",
    (event) => {
      if (!live || event.detail?.ctx?.sourceElement !== live) return;
      for (const task of event.detail.tasks || []) {
        // Only what takes the target's place: a new argument added beside others takes nothing.
        if (!(task.target instanceof Element) || !task.fragment || !["outerHTML", "innerHTML"].includes(task.swapSpec?.style)) continue;
        const walker = document.createTreeWalker(task.target, NodeFilter.SHOW_COMMENT);
        const starts = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) if (node.data.startsWith("r:mod-")) starts.push(node);
        for (const slot of task.target.querySelectorAll(".flag-slot:not(:empty)")) {
          const into = task.fragment.querySelector(`[id="${CSS.escape(slot.id)}"]`);
          if (!into) continue;
          if (slot.contains(document.activeElement)) keptFocus = focusState();
          into.replaceChildren(...slot.childNodes);
        }
        for (const start of starts) {
          const before = regionNodes(start);
          const into = inUse(before) && regionStart(task.fragment, start.data.slice(2));
          if (!into) continue;
          if (before.some((node) => node.contains(document.activeElement))) keptFocus = focusState();
          while (into.nextSibling && !isEnd(into.nextSibling)) into.nextSibling.remove();
          into.after(...before);
        }
      }
    },
    true,
  );
  document.addEventListener(
    "htmx:after:swap",
    () => {
      if (keptFocus) focusAgain(keptFocus, keptFocus.element);
      keptFocus = null;
    },
    true,
  );
  // In place of `before` (what the page shows), `after` (what a copy brings), unless `before` is
  // a moderator's tools that she is using (keeps); what she opened, typed or focused carries over.
  function replaceWith(before, after, parent, next, moderation) {
    if (moderation && keeps(before, after)) return;
    const focus = before.some((node) => node.contains(document.activeElement)) ? focusState() : null;
    for (const node of before) node.remove();
    put(after, parent, next);
    carry(before, after, focus);
  }
  function applyRegions(template) {
    const nodes = [...template.content.childNodes];
    for (let i = 0; i < nodes.length; i++) {
      if (nodes[i].nodeType !== Node.COMMENT_NODE || !nodes[i].data.startsWith("r:")) continue;
      const name = nodes[i].data.slice(2);
      const replacement = [];
      for (i++; i < nodes.length && !isEnd(nodes[i]); i++) replacement.push(nodes[i]);
      const argument = document.getElementById(`argument-${name.slice(name.lastIndexOf("-") + 1)}`);
      const start = argument && regionStart(argument, name);
      if (!start) continue;
      const before = regionNodes(start);
      replaceWith(before, replacement, start.parentNode, (before.at(-1) ?? start).nextSibling, name.startsWith("mod-"));
    }
  }
  function applyOwnCopy(html) {
    const copy = new DOMParser().parseFromString(html, "text/html");
    for (const template of copy.querySelectorAll("template[data-regions]")) applyRegions(template);
    for (const template of copy.querySelectorAll("template[data-replace]")) {
      const old = document.getElementById(template.dataset.replace);
      if (!old) continue;
      replaceWith([old], [...template.content.childNodes], old.parentNode, old.nextSibling, old.id === "motion-moderation");
    }
    applyMotionState();
  }
  function askOwnCopy(query) {
    if (audience === "anonymous" || !live?.dataset.ownUrl) return;
    fetch(`${live.dataset.ownUrl}?${query}`, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => html && applyOwnCopy(html))
      .catch(() => {});
  }
  // A new argument's regions for members and for its author, from the message that brought it.
  function takeLiveRegions(node) {
    if (!(node instanceof HTMLTemplateElement) || node.parentElement?.id !== "live-own") return;
    // Her own copy of an argument changed and nobody else's (her appeal made or declined, on her
    // channel alone): a page that shows it asks for that copy; any other has nothing to change.
    if (node.hasAttribute("data-own-argument")) {
      const id = node.dataset.ownArgument;
      if (/^\d+$/.test(id) && document.getElementById(`body-${id}`)) askOwnCopy(`ids=${id}`);
      node.remove();
      return;
    }
    const mine = node.dataset.for === "author" ? node.dataset.author === viewer : audience === "member";
    if (mine) applyRegions(node);
    // Its author is not named on the stream (an attribution, or a claim nobody may read): a
    // member who may be that author asks for her own copy.
    if (mine && node.hasAttribute("data-ask-own")) askOwnCopy(`ids=${node.dataset.argument}`);
    node.remove();
  }

  // A lock or a hiding closes what a reload would not offer (reply links, reply forms, vote
  // buttons), saying why in the forms; reopening offers them again. Typed text stays.
  function applyMotionState() {
    const status = document.getElementById("motion-status");
    if (!status) return;
    const open = status.dataset.open === "true";
    for (const link of document.querySelectorAll(".reply-link")) link.hidden = !open || !takesPart;
    for (const link of document.querySelectorAll(".edit-link")) link.hidden = !open;
    for (const actions of document.querySelectorAll(".debate__actions")) actions.hidden = !takesPart;
    // Following a motion and its downloads are offered while everyone reads it; following an
    // argument, while everyone reads it and its motion. Its page's heading names it as its card.
    for (const offer of document.querySelectorAll("[data-while-shown]")) {
      const withdrawn = offer.dataset.argument && document.getElementById(`body-${offer.dataset.argument}`)?.hasAttribute("data-withdrawn");
      offer.hidden = status.dataset.shown !== "true" || Boolean(withdrawn);
    }
    for (const line of document.querySelectorAll("[data-while-withdrawn]")) {
      line.hidden = !document.getElementById(`body-${line.dataset.argument}`)?.hasAttribute("data-withdrawn");
    }
    for (const heading of document.querySelectorAll("[data-claim-of]")) {
      const claim = document.getElementById(`claim-${heading.dataset.claimOf}`);
      if (claim) heading.textContent = claim.textContent.trim();
    }
    for (const form of document.querySelectorAll('form.vote:not([id^="vote-motion-"])')) {
      const own = form.hasAttribute("data-own");
      for (const button of form.querySelectorAll(".vote__button")) button.disabled = !open || own;
      for (const note of form.querySelectorAll(".vote__note")) note.hidden = !open;
    }
    const reason = status.querySelector(".notice")?.textContent.replace(/\s+/g, " ").trim() || "";
    for (const form of document.querySelectorAll(".reply-slot form.argument-form")) {
      for (const button of form.querySelectorAll('button[type="submit"]')) button.disabled = !open;
      let notice = form.querySelector(".notice--closed");
      if (open) {
        notice?.remove();
      } else {
        if (!notice) {
          notice = document.createElement("p");
          notice.className = "notice notice--refusal notice--closed";
          notice.setAttribute("role", "alert");
          form.prepend(notice);
        }
        notice.textContent = reason;
      }
    }
  }

  // Counts that a reload would show: the debate's size and the replies below each claim.
  // The region remembers whose words it holds: a claim hidden or retracted since (spam, often)
  // is not left there for a screen reader to read out again.
  const news = document.getElementById("live-news");
  function announce(text, about) {
    if (!news) return;
    news.textContent = text;
    news.dataset.about = about || "";
  }
  function forgetIfWithdrawn(body) {
    if (news && body?.hasAttribute("data-withdrawn") && news.dataset.about === body.id.replace("body-", "")) {
      announce("");
    }
  }
  // "Arguments (N)" counts those everyone reads, as a reload does: one hidden or retracted live
  // leaves it, one restored comes back. Each body's state is remembered, so that a copy in the
  // same state (a vote's, a moderator's own) changes nothing.
  // Its state is what everyone reads of it: "shown", or what became of it. Its author and
  // moderators read a hidden argument's text under the moderator's notice; anyone else reads its
  // place, "[hidden by a moderator]", as everyone does once it is retracted. (By its words: the
  // claim's classes are the old ones until htmx settles.)
  function shownAs(body) {
    if (!body.hasAttribute("data-withdrawn")) return "shown";
    const place = oneLine(body.querySelector(".argument__claim")?.textContent);
    return body.querySelector(".notice--hidden") || place === "[hidden by a moderator]" ? "hidden" : "retracted";
  }
  const stateBefore = new Map();
  for (const body of document.querySelectorAll("article.argument__body[id]")) {
    stateBefore.set(body.id, shownAs(body));
  }
  function addToSize(change) {
    const size = document.getElementById("debate-size");
    if (size) size.textContent = String(Number(size.textContent) + change);
  }
  // The state it had before, when this copy changed it.
  function recountWithdrawn(body) {
    if (!body) return undefined;
    const now = shownAs(body);
    const before = stateBefore.get(body.id);
    stateBefore.set(body.id, now);
    if (before === undefined || before === now) return undefined;
    if ((before === "shown") !== (now === "shown")) addToSize(now === "shown" ? 1 : -1);
    return before;
  }

  // What she is changing herself, while her request is under way: its answer says what came of
  // it where she acted (an argument's tools, a retraction), or the page it sends her to does (the
  // motion's panel), so a live copy of the same change that comes first says nothing.
  const acting = new Set();
  document.addEventListener("htmx:before:request", (event) => {
    const ctx = event.detail?.ctx;
    if (ctx?.request?.method !== "POST") return;
    const target = typeof ctx.target === "string" ? document.querySelector(ctx.target) : ctx.target;
    const key = ctx.sourceElement?.closest?.("#motion-moderation") ? "motion" : target?.matches?.("li.argument[id]") && target.id;
    if (!key) return;
    acting.add(key);
    ctx.crux = { acting: key };
  });
  document.addEventListener("htmx:finally:request", (event) => {
    const ctx = event.detail?.ctx;
    if (ctx?.crux?.acting && !ctx.hx?.redirect) acting.delete(ctx.crux.acting);
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && !form.hasAttribute("hx-post") && form.closest("#motion-moderation")) acting.add("motion");
  });

  // A moderator's act or a retraction that arrived live, said as the page now says it; never a
  // hidden claim's words (spam, often), only its stance and what it answers. Acts that come
  // together (a moderator's queue, handled in bulk) are counted in one sentence.
  const shorten = (text, most) => (text.length > most ? `${text.slice(0, most - 1)}…` : text);
  const ACTED = {
    hidden: ["hidden by a moderator", "hidden by a moderator"],
    retracted: ["retracted by its author", "retracted by their authors"],
    shown: ["restored by a moderator", "restored by a moderator"],
  };
  const moderated = [];
  let moderatedTimer = null;
  function moderatedLive(body, now) {
    moderated.push({ id: body.id.replace("body-", ""), now });
    clearTimeout(moderatedTimer);
    moderatedTimer = setTimeout(tellModerated, 300);
  }
  function tellModerated() {
    const acts = moderated.splice(0);
    if (acts.length === 1) {
      const [{ id, now }] = acts;
      const [text, about] = now === "shown" ? restoredNews(id) : withdrawnNews(id, now);
      announce(`An argument was ${ACTED[now][0]}: ${text}`, about);
      return;
    }
    const counts = Object.keys(ACTED).map((now) => [now, acts.filter((act) => act.now === now).length]);
    announce(
      counts
        .filter(([, count]) => count)
        .map(([now, count]) => (count === 1 ? `An argument was ${ACTED[now][0]}.` : `${count} arguments were ${ACTED[now][1]}.`))
        .join(" "),
    );
  }
  function restoredNews(id) {
    return [shorten(oneLine(document.getElementById(`claim-${id}`)?.textContent), 120), id];
  }
  function withdrawnNews(id, now) {
    const argument = document.getElementById(`argument-${id}`);
    const stance = oneLine(argument?.querySelector(":scope > .argument__body .stance")?.textContent).toLowerCase();
    const what = stance ? `a ${stance} argument` : "one";
    const above = argument?.parentElement?.closest("li.argument[id]");
    const aboveBody = above?.querySelector(":scope > article.argument__body");
    if (aboveBody && !aboveBody.hasAttribute("data-withdrawn")) {
      const answered = shorten(oneLine(aboveBody.querySelector(".argument__claim")?.textContent), 80);
      return [`${what} replying to “${answered}”`, above.id.replace("argument-", "")];
    }
    if (aboveBody) return [`${what} replying to one no longer shown`, ""];
    return [argument?.parentElement?.id === "replies-motion" ? `${what} on the motion` : what, ""];
  }
  // The motion's state as its status says it: a lock with its reason, a hiding, or neither.
  function motionState() {
    const status = document.getElementById("motion-status");
    return status && { shown: status.dataset.shown === "true", notice: oneLine(status.querySelector(".notice")?.textContent) };
  }
  let motionBefore = motionState();
  function tellMotion() {
    const [before, now] = [motionBefore, motionState()];
    motionBefore = now;
    if (!before || !now || acting.has("motion")) return;
    const changed = now.notice !== before.notice;
    let said = "";
    if (before.shown && !now.shown) {
      said = changed && now.notice ? now.notice : "A moderator has hidden this motion.";
    } else if (!before.shown && now.shown) {
      said = now.notice ? `A moderator has restored this motion. ${now.notice}` : "A moderator has restored this motion: it takes new arguments and votes again.";
    } else if (changed) {
      said = now.notice || "This motion is unlocked: it takes new arguments and votes again.";
    }
    if (said) announce(said);
  }
  function countNewArgument(node) {
    const body = node.querySelector(":scope > article.argument__body");
    if (body) stateBefore.set(body.id, shownAs(body));
    if (!body?.hasAttribute("data-withdrawn")) addToSize(1);
    document.getElementById("debate-empty")?.remove();
    for (let above = node.parentElement?.closest("li.argument"); above; above = above.parentElement?.closest("li.argument")) {
      const count = above.querySelector(":scope > .argument__body .argument__count");
      if (!count) continue;
      const replies = Number.parseInt(count.textContent, 10) + 1 || 1;
      count.textContent = `${replies} repl${replies === 1 ? "y" : "ies"} below`;
      count.hidden = false;
    }
    const stance = node.querySelector(".stance")?.textContent.trim().toLowerCase() || "new";
    const claim = node.querySelector(".argument__claim")?.textContent.trim() || "";
    announce(`New ${stance} argument: ${claim.length > 120 ? `${claim.slice(0, 119)}…` : claim}`, node.id.replace("argument-", ""));
  }
  // A group's view (?group=): a new argument has no votes from the group yet, and a claim that
  // is hidden or retracted shows no line, as a reload would show them. (The body's data attribute
  // tells, not its classes: htmx keeps the old classes on a swapped element until it settles.)
  function placeGroupLine(body, isNew) {
    // Looked up each time: switching the order in place replaces the tree, and this with it.
    const groupLine = document.getElementById("group-line");
    if (!groupLine || !body) return;
    const id = `group-agreement-${body.id.replace("body-", "")}`;
    let line = document.getElementById(id);
    if (!line && isNew) {
      line = groupLine.content.querySelector(".argument__group").cloneNode(true);
      line.id = id;
      body.after(line);
    }
    if (line) line.hidden = body.hasAttribute("data-withdrawn");
  }
  function arrived(node) {
    if (!(node instanceof Element)) return;
    if (node.matches("li.argument--new[id]") && node.isConnected) {
      countNewArgument(node);
      placeGroupLine(node.querySelector(":scope > article.argument__body"), true);
      // A moderator's copy and a suspended member's differ from what the message brought for
      // members (debates.policy.audience).
      if (audience !== "member") askOwnCopy(`ids=${node.id.replace("argument-", "")}`);
    } else if (node.matches("li.argument[id]")) {
      applyMotionState(); // an act in place answers with its argument anew
      forgetIfWithdrawn(node.querySelector(":scope > article.argument__body"));
      recountWithdrawn(node.querySelector(":scope > article.argument__body"));
    } else if (node.matches("article.argument__body[id]")) {
      const before = recountWithdrawn(node);
      placeGroupLine(node, false);
      forgetIfWithdrawn(node);
      if (before && !acting.has(node.id.replace("body-", "argument-"))) moderatedLive(node, shownAs(node));
      askOwnCopy(`ids=${node.id.replace("body-", "")}`);
    } else if (node.id === "motion-status") {
      applyMotionState();
      tellMotion();
      askOwnCopy("motion");
    }
  }

  // Tallies that changed live, told in one short sentence once they settle.
  const changedTallies = new Set();
  let tallyTimer = null;
  function tallyChanged(target) {
    if (!(target instanceof Element) || !target.matches(".vote__count")) return;
    changedTallies.add(target.closest("form.vote"));
    clearTimeout(tallyTimer);
    tallyTimer = setTimeout(() => {
      const forms = [...changedTallies].filter((form) => form?.isConnected);
      changedTallies.clear();
      if (forms.length !== 1) {
        if (forms.length) announce(`Votes changed on ${forms.length} claims`);
        return;
      }
      const counts = [...forms[0].querySelectorAll(".vote__count")].map((c) => c.textContent.trim());
      const labelled = document.getElementById(forms[0].getAttribute("aria-labelledby")?.split(" ").pop() || "");
      const claim = labelled?.textContent.trim() || "";
      const about = forms[0].closest("li.argument")?.id.replace("argument-", "");
      announce(`Votes now ${counts[0]} agree, ${counts[1]} disagree: ${claim.length > 80 ? `${claim.slice(0, 79)}…` : claim}`, about);
    }, 1000);
  }

  // Her suspension, or its lifting, arrives live as the banner a reload shows (with her bell).
  // What the page offers her changes with it (takesPart, the shared tree of her audience): the
  // page is loaded again, unless she is typing or selecting there (a passage to argue from),
  // when the banner tells her and the page's own refreshes follow.
  const suspendedAtLoad = document.querySelector("#suspension .suspension-banner") !== null;
  function suspensionChanged(target) {
    if (!(target instanceof Element) || target.id !== "suspension") return;
    const suspended = target.querySelector(".suspension-banner") !== null;
    const busy = typedIn([document.body]).length > 0 || window.getSelection()?.isCollapsed === false;
    if (suspended !== suspendedAtLoad && !busy) window.location.reload();
  }

  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      suspensionChanged(mutation.target);
      mutation.addedNodes.forEach(dropDuplicates);
      mutation.addedNodes.forEach(restoreAdded);
      mutation.addedNodes.forEach(focusAfterPost);
      mutation.addedNodes.forEach(arrived);
      mutation.addedNodes.forEach(takeLiveRegions);
      tallyChanged(mutation.target);
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

  // --- An analysis page waiting for its run ----------------------------------------------------
  // It asks every few seconds whether its state moved on (analysis.views._poll). A tab out of
  // sight does not ask (the next tick after it is shown again does), and each answer that brings
  // nothing (204) lets one more tick pass unasked, up to about a minute between asks: a page left
  // open over a stopped worker would otherwise ask all day. A new state swaps in a new element,
  // which starts afresh.
  const POLL_MOST_SKIPPED = 11;
  const unchangedPolls = new WeakMap();
  function isAnalysisPoll(event) {
    const element = event.detail?.ctx?.sourceElement;
    return element instanceof Element && element.id === "analysis-report" ? element : null;
  }
  document.addEventListener("htmx:before:request", (event) => {
    const element = isAnalysisPoll(event);
    if (!element) return;
    const state = unchangedPolls.get(element) || { unchanged: 0, skip: 0 };
    unchangedPolls.set(element, state);
    if (document.hidden || state.skip > 0) {
      state.skip = Math.max(0, state.skip - 1);
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:finally:request", (event) => {
    const element = isAnalysisPoll(event);
    const state = element && unchangedPolls.get(element);
    if (!state || event.detail?.ctx?.response?.status !== 204) return;
    state.unchanged += 1;
    state.skip = Math.min(state.unchanged, POLL_MOST_SKIPPED);
  });

  // --- The bell, told --------------------------------------------------------------------------
  // Its count arrives live (debates.live.member) and says nothing as it changes: a count that
  // went up is told in a region of its own (#bell-news). One that fell (notices read, or hidden
  // since) empties it, so the next rise is told even where its words are the same.
  const bellNews = document.getElementById("bell-news");
  const unreadIn = (count) => Number.parseInt(count?.textContent, 10) || 0;
  let unreadBefore = unreadIn(document.getElementById("bell-count"));
  function bellRang(node) {
    if (!(node instanceof Element) || node.id !== "bell-count") return;
    const unread = unreadIn(node);
    const more = unread - unreadBefore;
    unreadBefore = unread;
    if (!bellNews || more === 0) return;
    bellNews.textContent = more > 0 ? `${more} new notification${more === 1 ? "" : "s"}, ${unread} unread` : "";
  }
  new MutationObserver((mutations) => {
    for (const mutation of mutations) mutation.addedNodes.forEach(bellRang);
  }).observe(document.documentElement, { childList: true, subtree: true });
  // A notice marked read in place hands the focus on to the next one, or to the heading after
  // the last, rather than leave it on the notice it was already on. (Once swapped, the request
  // names the notice that came back as its source, no longer the form.)
  let marking = null;
  document.addEventListener("htmx:before:swap", (event) => {
    const form = event.detail?.ctx?.sourceElement;
    if (form instanceof Element && form.matches("form.notification__read")) marking = form.getAttribute("hx-target");
  });
  document.addEventListener("htmx:after:swap", () => {
    const marked = marking && document.querySelector(marking);
    marking = null;
    if (!marked) return;
    const next = marked.nextElementSibling?.matches("li.notification") ? marked.nextElementSibling : document.getElementById("inbox-heading");
    next?.focus();
  });
})();
