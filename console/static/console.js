// Small conveniences for list pages; everything works without this file.
document.querySelectorAll(".js-autosubmit").forEach((el) => {
  el.addEventListener("change", () => el.form && el.form.submit());
});
