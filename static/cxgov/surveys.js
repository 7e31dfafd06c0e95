/* Survey pages: show a question that depends on an earlier answer on the same page only once
   that answer fits, and move between the pages of a long survey without reloading.
   Without JavaScript every question shows, each with a hint saying when to answer it, and each
   page is an ordinary form post. */
(function () {
  "use strict";
  if (!document.querySelector("[data-survey-form]")) {
    return;
  }

  function form() {
    return document.querySelector("[data-survey-form]");
  }

  function chosen(name) {
    var values = [];
    form().querySelectorAll("input[name='" + name + "']").forEach(function (input) {
      if (input.checked) {
        values.push(input.value);
      }
    });
    return values;
  }

  function update() {
    form().querySelectorAll("[data-show-if]").forEach(function (group) {
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

  // Swap in the next page (or the same page with its errors) from the server's answer; any
  // failure falls back to the ordinary post, so nothing typed is lost.
  function sendPage(event) {
    var current = event.target;
    if (!current.hasAttribute("data-survey-flow") || !window.fetch || !window.DOMParser) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    var data = new FormData(current);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    current.setAttribute("aria-busy", "true");
    fetch(current.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected) {
          window.location.assign(response.url);
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-survey-body]");
        var body = document.querySelector("[data-survey-body]");
        if (!fresh || !body) {
          throw new Error("no survey page");
        }
        body.replaceWith(document.importNode(fresh, true));
        update();
        var focus = document.getElementById("error-summary") ||
          document.getElementById("survey-saved") ||
          document.getElementById("survey-progress");
        if (focus) {
          focus.setAttribute("tabindex", "-1");
          focus.focus();
        }
      })
      .catch(function () {
        current.removeAttribute("data-survey-flow");
        current.removeAttribute("aria-busy");
        if (submitter) {
          submitter.click();
        } else {
          current.submit();
        }
      });
  }

  document.addEventListener("change", function (event) {
    if (event.target.closest("[data-survey-form]")) {
      update();
    }
  });
  document.addEventListener("submit", sendPage);
  update();
})();
