// The source reader (issue 20): a selection in the text becomes a link to argue from that
// passage, with its exact character offsets; a #passage-… fragment marks every segment of its
// passage (overlaps split a passage into several). Without JavaScript the page still works:
// each paragraph has its own "Argue from this paragraph" link, and :target marks a passage's start.
(() => {
  "use strict";

  const paragraphOf = (node) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".reader__paragraph") : null;
  };

  // The offset in the source's text of a point in the reader: the paragraph's own offset plus
  // the length of its text before the point (the paragraph's text is the source's, verbatim).
  const offsetOf = (paragraph, node, offset) => {
    const before = document.createRange();
    before.setStart(paragraph, 0);
    before.setEnd(node, offset);
    // In code points, as the server counts (a string's length counts UTF-16 units).
    return Number(paragraph.dataset.start) + [...before.toString()].length;
  };

  // The other way: the text node and its offset (in UTF-16 units) at an offset in the source.
  const pointAt = (offset) => {
    for (const paragraph of document.querySelectorAll(".reader__paragraph")) {
      if (offset < Number(paragraph.dataset.start) || offset > Number(paragraph.dataset.end)) continue;
      let left = offset - Number(paragraph.dataset.start);
      const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const points = [...node.data];
        if (left <= points.length) return { node, offset: points.slice(0, left).join("").length };
        left -= points.length;
      }
    }
    return null;
  };

  // The source's words from start to end as the reader shows them, paragraph by paragraph.
  const wordsBetween = (start, end) =>
    [...document.querySelectorAll(".reader__paragraph")]
      .map((paragraph) => {
        const from = Number(paragraph.dataset.start);
        return [...paragraph.textContent].slice(Math.max(start - from, 0), Math.max(end - from, 0)).join("");
      })
      .join("\n");

  const selectedPassage = () => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const first = paragraphOf(range.startContainer);
    const last = paragraphOf(range.endContainer);
    if (!first || !last) return null;
    const start = offsetOf(first, range.startContainer, range.startOffset);
    const end = offsetOf(last, range.endContainer, range.endOffset);
    return end > start ? { start, end } : null;
  };

  const showArgueLink = () => {
    const link = document.getElementById("argue-selection");
    const reader = document.getElementById("reader-body");
    if (!link || !reader) return;
    const passage = reader.dataset.argueUrl ? selectedPassage() : null;
    link.hidden = passage === null;
    if (passage) link.href = `${reader.dataset.argueUrl}?start=${passage.start}&end=${passage.end}`;
  };

  const markPassage = () => {
    document.querySelectorAll(".passage--current").forEach((segment) => {
      segment.classList.remove("passage--current");
    });
    const fragment = decodeURIComponent(window.location.hash.slice(1));
    if (!fragment.startsWith("passage-")) return;
    document.querySelectorAll(".passage[data-passages]").forEach((segment) => {
      if (segment.dataset.passages.split(" ").includes(fragment)) {
        segment.classList.add("passage--current");
      }
    });
  };

  // --- Live: htmx morphs the body afresh into the page (source_detail.html) --------------------
  // Unchanged nodes stay, but a paragraph a new passage splits has its text rewritten: what htmx
  // cannot know is the selection in it, taken as offsets in the source before the swap and
  // selected again after it if the words are the same (else the offer goes, and is said to).

  // The selection's ends as offsets in the source (anchor and focus: its direction too) and the
  // words between them; null when it is not within the text.
  const heldSelection = () => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const anchor = paragraphOf(selection.anchorNode);
    const focus = paragraphOf(selection.focusNode);
    if (!anchor || !focus) return null;
    const held = {
      anchor: offsetOf(anchor, selection.anchorNode, selection.anchorOffset),
      focus: offsetOf(focus, selection.focusNode, selection.focusOffset),
    };
    held.words = wordsBetween(Math.min(held.anchor, held.focus), Math.max(held.anchor, held.focus));
    return held;
  };

  // Whether the selection still holds the same words, selecting them again where they now are.
  const selectAgain = (held) => {
    if (held.words !== wordsBetween(Math.min(held.anchor, held.focus), Math.max(held.anchor, held.focus))) {
      return false;
    }
    const anchor = pointAt(held.anchor);
    const focus = pointAt(held.focus);
    if (!anchor || !focus) return false;
    window.getSelection().setBaseAndExtent(anchor.node, anchor.offset, focus.node, focus.offset);
    return true;
  };

  // The page hears every motion's events (/live/home/): the body is asked for again only for
  // one that may change it (source_detail.html's reader:live), not the whole text for each vote
  // anywhere. A debate's message tells its event's motion, kind and cited source
  // (debates/live_events.html#concerns): it concerns the text when it is no vote, and of a motion
  // whose claims quote it (the body's data-motions) or of a claim citing it. One that tells
  // nothing is the viewer's own (her bell, which a suspension rings) or a notice of missed
  // events: it may, as may a new connection, after which events may have been missed.
  const concerns = (data) => {
    const reader = document.getElementById("reader-body");
    if (!reader) return false;
    const message = document.createElement("template");
    message.innerHTML = data;
    const told = [...message.content.querySelectorAll("[data-live-kind]")];
    if (told.length === 0) return true;
    const motions = reader.dataset.motions.split(" ");
    return told.some(
      (event) =>
        event.dataset.liveKind !== "vote-changed" &&
        (event.dataset.liveSource === reader.dataset.source || motions.includes(event.dataset.liveMotion)),
    );
  };
  const refresh = () => {
    const body = document.getElementById("reader-body")?.parentElement;
    if (body) htmx.trigger(body, "reader:live");
  };
  document.addEventListener("htmx:sse:after:message", (event) => {
    if (event.target.id === "live-status" && concerns(event.detail.message.data)) refresh();
  });
  let connected = false;
  document.addEventListener("htmx:sse:after:connection", (event) => {
    if (event.target.id !== "live-status") return;
    if (connected) refresh();
    connected = true;
  });

  const isRefresh = (event) => event.target === document.getElementById("reader-body")?.parentElement;
  let before = null;
  let holding = false;
  let waiting = null;
  document.addEventListener("htmx:before:swap", (event) => {
    if (!isRefresh(event)) return;
    // A selection being made is not cut short: the body comes again once the pointer is up.
    if (holding) {
      event.preventDefault();
      waiting = event.target;
      return;
    }
    before = { held: heldSelection(), offered: !document.getElementById("argue-selection").hidden };
  });
  document.addEventListener("htmx:after:swap", (event) => {
    if (!isRefresh(event) || !before) return;
    const { held, offered } = before;
    before = null;
    markPassage();
    const kept = held === null || selectAgain(held);
    if (!kept) window.getSelection().removeAllRanges();
    showArgueLink();
    if (!offered || !document.getElementById("argue-selection").hidden) return;
    const news = document.getElementById("live-news");
    news.textContent = kept
      ? "You can no longer argue from this source: reload the page to see why."
      : "The text changed under your selection: select the words again to argue from them.";
  });
  document.addEventListener("pointerdown", (event) => {
    holding = event.target instanceof Element && event.target.closest("#reader-body") !== null;
  });
  const release = () => {
    holding = false;
    if (waiting) htmx.trigger(waiting, "reader:again");
    waiting = null;
  };
  document.addEventListener("pointerup", release);
  document.addEventListener("pointercancel", release);

  document.addEventListener("selectionchange", showArgueLink);
  window.addEventListener("hashchange", markPassage);
  document.documentElement.classList.add("reader-scripted");
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markPassage);
  } else {
    markPassage();
  }
})();
