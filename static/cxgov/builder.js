/* Survey builder: the phone preview follows the question form as it changes, and after a
   move the moved question's row has the focus. Without JavaScript, "Update the preview" and
   the #question-<id> address do the same. */
(function () {
  "use strict";
  var row = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (row && row.hasAttribute("data-question-row")) {
    row.focus();
  }

  var form = document.querySelector("[data-question-form]");
  var button = form && form.querySelector("[data-preview-button]");
  if (!button || typeof form.requestSubmit !== "function") {
    return;
  }
  var timer;
  form.addEventListener("change", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      form.requestSubmit(button);
    }, 300);
  });
})();
