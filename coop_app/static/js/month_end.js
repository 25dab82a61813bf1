// The month-end page while a job runs: follow its progress from the job's JSON and reload
// the page once it has finished (the page then shows each step's summary). Without this
// file the page still shows the progress as of its loading, with a link to refresh it.
(function () {
  "use strict";
  var box = document.getElementById("month-end-job");
  if (!box || !box.dataset.progressUrl) { return; }
  var bar = document.getElementById("month-end-progress");
  var poll = function () {
    fetch(box.dataset.progressUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.status !== "running") { window.location.reload(); return; }
        bar.value = job.steps_done;
        bar.max = job.steps_total;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  };
  window.setTimeout(poll, 1000);
}());
