// Session log: choosing a density ticks the region as treated; un-ticking it clears the density,
// so a region is never sent half filled in.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".region-row").forEach((row) => {
    const treated = row.querySelector(".region-treated");
    const densities = row.querySelectorAll(".region-density input[type=radio]");
    densities.forEach((radio) => {
      radio.addEventListener("change", () => {
        if (radio.checked) treated.checked = true;
      });
    });
    treated.addEventListener("change", () => {
      if (!treated.checked) densities.forEach((radio) => { radio.checked = false; });
    });
  });
});
