// "Print" buttons: shown only where script runs, they open the browser's print dialog
// (the page's print stylesheet leaves out the menus and buttons).
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
