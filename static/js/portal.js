// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After a failed submit, move the focus to the error summary so that it is
    // read out and keyboard users start from the list of problems.
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();
