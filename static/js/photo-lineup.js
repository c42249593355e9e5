// Upload page: show the picked photo with the last photo of the same angle over it at
// 35 % opacity, so the new one can be taken from the same distance and angle.
// The form works without this. Its texts come through gettext() from the page's JavaScript
// catalogue (smpclinic.js_catalog).
(function () {
  "use strict";

  var input = document.querySelector("[data-lineup-input]");
  var angle = document.querySelector("[data-lineup-angle]");
  var stage = document.querySelector("[data-lineup-stage]");
  if (!input || !angle || !stage) {
    return;
  }
  var picked = stage.querySelector("[data-lineup-picked]");
  var previous = stage.querySelector("[data-lineup-previous]");
  var empty = stage.querySelector("[data-lineup-empty]");
  var toggle = document.querySelector("[data-lineup-toggle]");
  var caption = document.querySelector("[data-lineup-caption]");
  var thumbs = document.querySelector("[data-lineup-thumbs]");
  var sources = {};
  document.querySelectorAll("[data-lineup-sources] [data-angle]").forEach(function (item) {
    sources[item.dataset.angle] = { src: item.dataset.src || "", caption: item.dataset.caption };
  });
  var objectUrls = [];

  function render() {
    var source = sources[angle.value] || { src: "", caption: "" };
    var hasPicked = !picked.hidden;
    caption.textContent = source.caption || "";
    if (source.src && previous.getAttribute("src") !== source.src) {
      previous.setAttribute("src", source.src);
    }
    previous.hidden = !source.src || (hasPicked && !toggle.checked);
    previous.classList.toggle("lineup-alone", !hasPicked);
    empty.hidden = hasPicked || Boolean(source.src);
  }

  function showFiles() {
    objectUrls.forEach(URL.revokeObjectURL);
    objectUrls = [];
    thumbs.replaceChildren();
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) {
      picked.hidden = true;
      picked.removeAttribute("src");
      render();
      return;
    }
    files.forEach(function (file, index) {
      var url = URL.createObjectURL(file);
      objectUrls.push(url);
      if (index === 0) {
        picked.src = url;
      }
      if (files.length > 1) {
        var thumb = document.createElement("img");
        thumb.src = url;
        thumb.alt = file.name;
        thumb.title = interpolate(gettext("Show %(file)s"), { file: file.name }, true);
        thumb.addEventListener("click", function () {
          picked.src = url;
        });
        thumbs.appendChild(thumb);
      }
    });
    picked.hidden = false;
    render();
  }

  input.addEventListener("change", showFiles);
  angle.addEventListener("change", render);
  toggle.addEventListener("change", render);
  render();
})();
