// "Add" buttons of Django formsets: <button data-formset-add="PREFIX"> appends a copy of
// <template id="PREFIX-empty-form"> to #PREFIX-forms and counts it in PREFIX-TOTAL_FORMS.
document.querySelectorAll("[data-formset-add]").forEach((button) => {
  button.addEventListener("click", () => {
    const prefix = button.dataset.formsetAdd;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const template = document.getElementById(`${prefix}-empty-form`);
    const forms = document.getElementById(`${prefix}-forms`);
    forms.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", total.value));
    total.value = Number(total.value) + 1;
    forms.lastElementChild.querySelector("input:not([type=hidden])")?.focus();
  });
});
