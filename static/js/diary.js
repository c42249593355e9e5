// The diary's small conveniences. Every page works without them.
(function () {
  "use strict";

  // "Go to date": jump as soon as a date is picked.
  document.querySelectorAll("[data-diary-autosubmit]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.value && input.form) {
        input.form.submit();
      }
    });
  });

  // Booking: a new type brings its usual length, unless the length was typed by hand.
  var type = document.querySelector("#booking-form select[name=type]");
  var minutes = document.querySelector("#booking-form input[name=minutes]");
  if (type && minutes && type.dataset.defaultMinutes) {
    var defaults = JSON.parse(type.dataset.defaultMinutes);
    var typedByHand = false;
    minutes.addEventListener("input", function () {
      typedByHand = true;
    });
    type.addEventListener("change", function () {
      if (!typedByHand && defaults[type.value]) {
        minutes.value = defaults[type.value];
      }
    });
  }

  // Free start times: put the chosen one into the booking or move form. Delegated, so
  // the times the page loads as the type, artist and day change work too.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill-start]");
    if (!button) {
      return;
    }
    var form = document.getElementById(button.dataset.form);
    if (!form) {
      return;
    }
    var date = form.querySelector("input[name$=starts_at_0]");
    var time = form.querySelector("input[name$=starts_at_1]");
    // The UTC offset tells the two 01:15s of the night the clocks go back apart.
    var offset = form.querySelector("input[name$=starts_at_2]");
    if (date && time) {
      date.value = button.dataset.date;
      time.value = button.dataset.time;
      if (offset) {
        offset.value = button.dataset.offset || "";
      }
      time.focus();
    }
    var details = form.closest("details");
    if (details) {
      details.open = true;
    }
  });
})();
