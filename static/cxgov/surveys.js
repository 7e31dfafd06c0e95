/* Survey pages: show a question that depends on an earlier answer only once that answer fits.
   Without JavaScript every question shows, each with a hint saying when to answer it. */
(function () {
  "use strict";
  var form = document.querySelector("[data-survey-form]");
  if (!form) {
    return;
  }
  var dependants = form.querySelectorAll("[data-show-if]");

  function chosen(name) {
    var values = [];
    form.querySelectorAll("input[name='" + name + "']").forEach(function (input) {
      if (input.checked) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update() {
    dependants.forEach(function (group) {
      var wanted = group.getAttribute("data-show-values").split(" ");
      var show = chosen(group.getAttribute("data-show-if")).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      group.hidden = !show;
      group.querySelectorAll("input, textarea, select").forEach(function (field) {
        field.disabled = !show;
      });
    });
  }

  form.addEventListener("change", update);
  update();
})();
