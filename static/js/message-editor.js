// Settings → Messages, the editor: a placeholder button puts {name} where the cursor is in the
// subject, email or SMS (whichever was last in use), and the preview follows the wording as it
// is typed. Without script the "Preview" button shows the same preview with the page.
(function () {
  "use strict";

  const form = document.getElementById("message-form");
  const preview = document.getElementById("message-preview");
  if (!form || !preview) return;

  const fields = Array.from(form.querySelectorAll("[data-placeholder-target]"));
  let target = form.querySelector("[name=email_text]") || fields[0];
  fields.forEach(function (field) {
    field.addEventListener("focus", function () {
      target = field;
    });
  });

  form.querySelectorAll("[data-insert]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!target) return;
      const text = "{" + button.dataset.insert + "}";
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? start;
      target.focus();
      target.setRangeText(text, start, end, "end");
      target.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  let timer = null;
  let pending = null;

  function refresh() {
    if (pending) pending.abort();
    pending = new AbortController();
    preview.setAttribute("aria-busy", "true");
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("preview " + response.status);
        return response.text();
      })
      .then(function (html) {
        preview.innerHTML = html; // rendered and escaped by the server
      })
      .catch(function () {
        // A failed or superseded preview leaves the last one in place.
      })
      .finally(function () {
        preview.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  });
})();
