// A table wider than the screen scrolls inside its .table-responsive box. A keyboard user
// reaches that box only if it can take focus (WCAG 2.1.1): every box that overflows becomes
// a named region in the tab order, named after its table's caption (or the heading before it).
function precedingHeading(element) {
  for (let node = element; node && node !== document.body; node = node.parentElement) {
    for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
      const heading = sibling.matches("h1, h2, h3, h4, h5, h6")
        ? sibling
        : [...sibling.querySelectorAll("h1, h2, h3, h4, h5, h6")].pop();
      if (heading) return heading.textContent.trim();
    }
  }
  return document.title;
}
function markScrollRegions() {
  document.querySelectorAll(".table-responsive").forEach((box, index) => {
    if (box.scrollWidth > box.clientWidth + 1) {
      const caption = box.querySelector("caption");
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      if (caption) {
        caption.id ||= `table-caption-${index}`;
        box.setAttribute("aria-labelledby", caption.id);
      } else {
        box.setAttribute("aria-label", precedingHeading(box));
      }
    } else if (box.getAttribute("role") === "region") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-labelledby");
      box.removeAttribute("aria-label");
    }
  });
}
markScrollRegions();
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(markScrollRegions, 150);
});
