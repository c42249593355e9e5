// The progress page's conveniences. Without them the page shows the two photos side
// by side and every scalp map in a row, and the form's button does the choosing.
// Its texts come through gettext() from the page's JavaScript catalogue (smpclinic.js_catalog).
(function () {
  "use strict";

  // Choosing an angle or a photo compares at once.
  document.querySelectorAll("[data-compare-form] [data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // Overlay: the earlier photo on top, cut off at the slider's position.
  document.querySelectorAll("[data-overlay]").forEach(function (overlay) {
    var top = overlay.querySelector("[data-overlay-top]");
    var slider = overlay.querySelector("[data-overlay-slider]");
    if (!top || !slider) {
      return;
    }
    var firstLabel = overlay.querySelector(".photo-overlay-tag-left").textContent;
    function show() {
      var shown = Number(slider.value);
      top.style.clipPath = "inset(0 " + (100 - shown) + "% 0 0)";
      slider.setAttribute(
        "aria-valuetext",
        interpolate(gettext("%(percent)s %(photo)s"), { percent: shown + "%", photo: firstLabel.toLowerCase() }, true)
      );
    }
    slider.addEventListener("input", show);
    show();
    overlay.hidden = false;
  });

  // Scalp maps: one at a time, stepped through with previous / next (and arrow keys).
  document.querySelectorAll("[data-scalp-stepper]").forEach(function (stepper) {
    var items = Array.prototype.slice.call(stepper.querySelectorAll("[data-stepper-item]"));
    var controls = stepper.querySelector("[data-stepper-controls]");
    var label = stepper.querySelector("[data-stepper-label]");
    var prev = stepper.querySelector("[data-stepper-prev]");
    var next = stepper.querySelector("[data-stepper-next]");
    if (items.length < 2 || !controls) {
      return;
    }
    var start = items.findIndex(function (item) {
      return item.hasAttribute("data-stepper-start");
    });
    var current = start >= 0 ? start : items.length - 1;
    function show(index) {
      current = Math.max(0, Math.min(items.length - 1, index));
      items.forEach(function (item, i) {
        item.hidden = i !== current;
      });
      label.textContent = interpolate(
        gettext("%(caption)s (%(number)s of %(count)s)"),
        { caption: items[current].dataset.caption, number: current + 1, count: items.length },
        true
      );
      prev.disabled = current === 0;
      next.disabled = current === items.length - 1;
    }
    prev.addEventListener("click", function () {
      show(current - 1);
    });
    next.addEventListener("click", function () {
      show(current + 1);
    });
    stepper.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") {
        show(current - 1);
      } else if (event.key === "ArrowRight") {
        show(current + 1);
      }
    });
    stepper.classList.add("is-stepping");
    controls.hidden = false;
    show(current);
  });
})();
