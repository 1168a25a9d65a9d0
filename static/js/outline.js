// The debate map's behaviours: the outline as an ARIA tree (WAI-ARIA APG's navigation
// treeview: links as tree items), the map as one Tab stop whose arrow keys move from arc to arc
// (a roving tabindex) with a focus ring that shows on every arc, and the map's caption that
// names the arc under the pointer or the focus. Without this file the outline is a nested list
// of links, the arcs are links for the pointer alone and their titles show on hover.
(() => {
  "use strict";

  const TYPE_AHEAD_MS = 700;

  function upgrade(root) {
    root.setAttribute("role", "tree");
    // The keys are the tree's: their help stays hidden while the outline is a plain list.
    const help = root.parentElement?.querySelector(":scope > [data-outline-help]");
    if (help) {
      help.hidden = false;
      root.setAttribute("aria-describedby", help.id);
    }
    let counter = 0;
    function group(list, level) {
      const items = Array.from(list.children).filter((li) => li.tagName === "LI");
      items.forEach((li, index) => {
        li.setAttribute("role", "none");
        const link = li.querySelector(":scope > a");
        link.setAttribute("role", "treeitem");
        link.setAttribute("aria-level", String(level));
        link.setAttribute("aria-setsize", String(items.length));
        link.setAttribute("aria-posinset", String(index + 1));
        link.tabIndex = -1;
        const sub = li.querySelector(":scope > ul");
        if (sub) {
          sub.id ||= `${root.id || "outline"}-group-${++counter}`;
          sub.setAttribute("role", "group");
          link.setAttribute("aria-owns", sub.id);
          link.setAttribute("aria-expanded", "false");
          group(sub, level + 1);
        }
      });
    }
    group(root, 1);
    const current = root.querySelector('[role="treeitem"][aria-current]');
    if (current) revealed(current);
    const first = current || root.querySelector('[role="treeitem"]');
    if (first) first.tabIndex = 0;
  }

  // Open every branch above `item`, so it can be seen and focused.
  function revealed(item) {
    let list = item.closest("li").parentElement;
    while (list && list.getAttribute("role") === "group") {
      const owner = list.parentElement.querySelector(':scope > [role="treeitem"]');
      owner.setAttribute("aria-expanded", "true");
      list = list.parentElement.parentElement;
    }
    return item;
  }

  function visibleItems(root) {
    return Array.from(root.querySelectorAll('[role="treeitem"]')).filter((item) => {
      for (let list = item.closest("li").parentElement; list !== root; ) {
        const owner = list.parentElement.querySelector(':scope > [role="treeitem"]');
        if (owner.getAttribute("aria-expanded") !== "true") return false;
        list = list.parentElement.parentElement;
      }
      return true;
    });
  }

  function focusItem(root, item) {
    if (!item) return;
    root.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach((other) => {
      other.tabIndex = -1;
    });
    item.tabIndex = 0;
    item.focus();
  }

  function parentItem(item) {
    const list = item.closest("li").parentElement;
    if (list.getAttribute("role") !== "group") return null;
    return list.parentElement.querySelector(':scope > [role="treeitem"]');
  }

  function firstChild(item) {
    return item.closest("li").querySelector(':scope > ul > li > [role="treeitem"]');
  }

  function claimOf(item) {
    const claim = item.querySelector(".outline__claim");
    return (claim || item).textContent.trim().toLowerCase();
  }

  const typed = new WeakMap();

  function typeAhead(root, item, key) {
    const state = typed.get(root) || { text: "", at: 0 };
    const now = Date.now();
    state.text = now - state.at > TYPE_AHEAD_MS ? key : state.text + key;
    state.at = now;
    typed.set(root, state);
    const items = visibleItems(root);
    const start = items.indexOf(item);
    // A repeated first letter moves on to the next match, as in a file manager.
    const from = state.text.length === 1 ? start + 1 : start;
    const ordered = items.slice(from).concat(items.slice(0, from));
    const found = ordered.find((candidate) => claimOf(candidate).startsWith(state.text));
    focusItem(root, found);
  }

  function onKeydown(event) {
    const item = event.target.closest('[role="treeitem"]');
    const root = event.currentTarget;
    if (!item || event.altKey || event.ctrlKey || event.metaKey) return;
    const items = visibleItems(root);
    const index = items.indexOf(item);
    const expanded = item.getAttribute("aria-expanded");
    switch (event.key) {
      case "ArrowDown":
        focusItem(root, items[index + 1]);
        break;
      case "ArrowUp":
        focusItem(root, items[index - 1]);
        break;
      case "ArrowRight":
        if (expanded === "false") item.setAttribute("aria-expanded", "true");
        else if (expanded === "true") focusItem(root, firstChild(item));
        break;
      case "ArrowLeft":
        if (expanded === "true") item.setAttribute("aria-expanded", "false");
        else focusItem(root, parentItem(item));
        break;
      case "Home":
        focusItem(root, items[0]);
        break;
      case "End":
        focusItem(root, items[items.length - 1]);
        break;
      case "Enter":
        return; // the link opens the argument
      default:
        if (event.key.length === 1 && event.key !== " ") {
          typeAhead(root, item, event.key.toLowerCase());
          break;
        }
        return;
    }
    event.preventDefault();
  }

  function onClick(event) {
    // A click on a branch's marker toggles it; a click on the words follows the link.
    // (Enter on a focused item is a click too, with no pointer: that one opens the argument.)
    const item = event.target.closest('[role="treeitem"][aria-expanded]');
    if (!item || event.detail === 0 || event.target.closest(".outline__claim, .stance")) return;
    event.preventDefault();
    const open = item.getAttribute("aria-expanded") === "true";
    item.setAttribute("aria-expanded", open ? "false" : "true");
    focusItem(event.currentTarget, item);
  }

  // The map's links (the motion at its centre, then every arc in the outline's order) are out
  // of the Tab order as sent: one of them takes it, the current argument's arc if it has one.
  function startMaps(scope) {
    scope.querySelectorAll(".map__svg").forEach((svg) => {
      if (svg.querySelector(':scope > a[tabindex="0"]')) return;
      const help = svg.closest(".map")?.querySelector("[data-map-help]");
      if (help) {
        help.hidden = false;
        svg.setAttribute("aria-describedby", help.id);
      }
      makeStop(svg.querySelector(":scope > a[aria-current]") || svg.querySelector(":scope > a"));
    });
  }

  function makeStop(link) {
    if (!link) return;
    link.parentElement.querySelectorAll(':scope > a[tabindex="0"]').forEach((other) => {
      other.tabIndex = -1;
    });
    link.tabIndex = 0;
  }

  const MAP_KEYS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  document.addEventListener("keydown", (event) => {
    const link = event.target instanceof Element && event.target.closest(".map__svg > a");
    if (!link || event.altKey || event.ctrlKey || event.metaKey) return;
    const links = Array.from(link.parentElement.querySelectorAll(":scope > a"));
    let next;
    if (event.key in MAP_KEYS) next = links[links.indexOf(link) + MAP_KEYS[event.key]];
    else if (event.key === "Home") next = links[0];
    else if (event.key === "End") next = links[links.length - 1];
    else return; // Enter follows the link
    event.preventDefault(); // the page stays put at either end, as the outline does
    if (!next) return;
    makeStop(next);
    next.focus();
  });

  // Arcs drawn after an arc paint over its edges, so a ring on the arc itself hardly shows: the
  // focused one's shape is drawn again on top of the map, a dark line over a light one, which
  // stands out on dark arcs and light ones alike.
  const SVG = "http://www.w3.org/2000/svg";
  document.addEventListener("focusin", (event) => {
    const link = event.target instanceof Element && event.target.closest(".map__svg > a");
    if (!link) return;
    makeStop(link); // Tab comes back where the reader left the map, however she got there
    const svg = link.parentElement;
    svg.querySelector(":scope > .map__focus")?.remove();
    const shape = link.querySelector("path, circle");
    // A click's focus needs no ring: the link is followed.
    if (!shape || !link.matches(":focus-visible")) return;
    const ring = document.createElementNS(SVG, "g");
    ring.setAttribute("class", "map__focus");
    ring.setAttribute("aria-hidden", "true");
    for (const part of ["map__focus-halo", "map__focus-line"]) {
      const copy = shape.cloneNode(false);
      copy.setAttribute("class", part);
      ring.append(copy);
    }
    svg.append(ring);
  });
  document.addEventListener("focusout", (event) => {
    const link = event.target instanceof Element && event.target.closest(".map__svg > a");
    link?.parentElement.querySelector(":scope > .map__focus")?.remove();
  });

  // The caption under a map names the arc under the pointer or the keyboard focus.
  function showClaim(event) {
    const arc = event.target instanceof Element && event.target.closest(".map__svg a");
    if (!arc) return;
    const caption = arc.closest(".map").querySelector(".map__caption");
    const title = arc.querySelector("title");
    if (!caption || !title) return;
    // The house's lead ("Pro reply (against the motion): ", views_map) stays outside the claim's
    // isolate: a claim written right to left would otherwise carry the lead and its own full
    // stop to the wrong ends.
    const [, lead = "", claim = title.textContent] = title.textContent.match(/^((?:(?:Pro|Con)(?: reply)?(?: \([^()]*\))?|The motion): )?([\s\S]*)$/) || [];
    const isolate = document.createElement("bdi");
    isolate.textContent = claim;
    caption.replaceChildren(lead, isolate);
  }
  document.addEventListener("mouseover", showClaim);
  document.addEventListener("focusin", showClaim);

  function startOutlines(scope) {
    scope.querySelectorAll('[data-outline]:not([role="tree"])').forEach((root) => {
      upgrade(root);
      root.addEventListener("keydown", onKeydown);
      root.addEventListener("click", onClick);
    });
  }

  // A live refresh (the motion page's map panel, the map page's map and outline: hx-trigger on
  // the live stream's messages, throttled) swaps in a fresh rendering. The outline becomes a
  // tree again with the branches the reader had opened, the map keeps its Tab stop, and the
  // focus stays on the item or arc it was on, if that is still there, rather than falling back
  // to the page.
  const beforeRefresh = new WeakMap();
  document.addEventListener("htmx:before:swap", (event) => {
    const area = event.target;
    if (!(area instanceof Element) || !area.querySelector(".map, [data-outline]")) return;
    const active = document.activeElement;
    beforeRefresh.set(area, {
      opened: Array.from(area.querySelectorAll('[role="treeitem"][aria-expanded="true"]'), (item) => item.id),
      tabbable: area.querySelector('[role="treeitem"][tabindex="0"]')?.id,
      stop: area.querySelector('.map__svg > a[tabindex="0"]')?.id,
      focused: active && active !== area && area.contains(active) ? active.id : null,
    });
  });
  document.addEventListener("htmx:after:swap", (event) => {
    const area = event.target;
    if (!(area instanceof Element)) return;
    startOutlines(area);
    startMaps(area);
    const state = beforeRefresh.get(area);
    beforeRefresh.delete(area);
    if (!state) return;
    const found = (id) => (id ? area.querySelector(`[id="${CSS.escape(id)}"]`) : null);
    for (const id of state.opened) found(id)?.setAttribute("aria-expanded", "true");
    const tabbable = found(state.tabbable);
    if (tabbable) {
      area.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach((item) => {
        item.tabIndex = -1;
      });
      tabbable.tabIndex = 0;
    }
    makeStop(found(state.stop));
    found(state.focused)?.focus({ preventScroll: true });
  });

  function start() {
    startOutlines(document);
    startMaps(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
