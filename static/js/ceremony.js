// The ceremony list's Up/Down buttons are plain forms: the page reloads after a move, at
// #entry-<id> of the moved awardee. Keep the keyboard where it was: focus the same button of the
// moved row again (or the other one, when the row has reached the end of the list).
const MOVE_KEY = "ceremony-move";
document.querySelectorAll("#ceremony-list form").forEach((form) => {
  form.addEventListener("submit", (event) => {
    const direction = event.submitter?.value;
    if (direction) sessionStorage.setItem(MOVE_KEY, direction);
  });
});
// After the load: scrolling to #entry-<id> moves the focus to the page itself, undoing an
// earlier focus().
window.addEventListener("load", () => {
  const direction = sessionStorage.getItem(MOVE_KEY);
  sessionStorage.removeItem(MOVE_KEY);
  const row = direction && location.hash.startsWith("#entry-") && document.querySelector(location.hash);
  if (!row) return;
  const buttons = [...row.querySelectorAll("button[name=direction]")].filter((b) => !b.disabled);
  (buttons.find((b) => b.value === direction) || buttons[0])?.focus();
});
