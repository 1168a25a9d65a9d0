// The import page: a file (or pasted text) over the limit is refused before it is sent, with the
// message the server gives. The server refuses it too, but only after the whole upload, and past
// its request limit with a page of its own instead of the form. Without this file, that is all.
(() => {
  "use strict";

  function bytes(field) {
    if (field.type === "file") return field.files[0]?.size ?? 0;
    return new TextEncoder().encode(field.value).length;
  }

  // The refusal goes where the form's own go (debates/_field.html: "<id>_error", which describes
  // the field), and is the field's custom validity: the browser then keeps the form from being
  // sent, and takes the focus to the field. A new choice of file (or new text) is checked
  // afresh: what the server said of the one before no longer holds.
  function check(field, changed) {
    const over = bytes(field) > Number(field.dataset.maxBytes);
    const id = `${field.id}_error`;
    let errors = document.getElementById(id);
    if (changed) errors?.replaceChildren();
    errors?.querySelector("[data-size-error]")?.remove();
    field.setCustomValidity(over ? field.dataset.tooLarge : "");
    if (over) {
      if (!errors) {
        errors = document.createElement("div");
        errors.id = id;
        field.closest(".field").append(errors);
      }
      const error = document.createElement("p");
      error.className = "field__error";
      error.setAttribute("role", "alert");
      error.dataset.sizeError = "";
      error.textContent = field.dataset.tooLarge;
      errors.append(error);
    } else if (errors && !errors.children.length) {
      errors.remove();
      errors = null;
    }
    const described = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    if (errors) described.add(id);
    else described.delete(id);
    field.setAttribute("aria-describedby", [...described].join(" "));
    if (errors) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
    field.closest(".field").classList.toggle("field--invalid", Boolean(errors));
    return !over;
  }

  for (const field of document.querySelectorAll("form [data-max-bytes]")) {
    field.addEventListener("change", () => check(field, true));
    field.form.addEventListener("submit", (event) => {
      if (!check(field, false)) event.preventDefault();
    });
  }
})();
