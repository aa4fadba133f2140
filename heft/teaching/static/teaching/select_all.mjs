// "Select all" for a list of checkboxes. <input type="checkbox" data-select-all="NAME"> ticks or clears
// every checkbox called NAME in its form, and shows whether all, some or none are ticked. It sits in an
// element hidden until this script runs: without JavaScript the page offers a link or the boxes alone.
for (const toggle of document.querySelectorAll("input[data-select-all]")) {
  const boxes = () =>
    [...toggle.form.querySelectorAll("input[type=checkbox]")].filter(
      (box) => box.name === toggle.dataset.selectAll,
    );
  const showState = () => {
    const all = boxes();
    const ticked = all.filter((box) => box.checked).length;
    toggle.checked = all.length > 0 && ticked === all.length;
    toggle.indeterminate = ticked > 0 && ticked < all.length;
  };
  toggle.addEventListener("change", () => {
    for (const box of boxes()) box.checked = toggle.checked;
  });
  toggle.form.addEventListener("change", (event) => {
    if (event.target !== toggle) showState();
  });
  showState();
  toggle.closest("[data-select-all-wrapper]")?.removeAttribute("hidden");
}
