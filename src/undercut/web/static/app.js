// Draws every chart of the page from the JSON the server embedded next to it.
(function () {
  "use strict";
  var config = {responsive: true, displaylogo: false,
                modeBarButtonsToRemove: ["select2d", "lasso2d"]};
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    el.textContent = "";
    window.Plotly.newPlot(el, figure.data, figure.layout, config).then(function () {
      el.setAttribute("data-rendered", "true");
    });
  }
  function drawAll() {
    var charts = document.querySelectorAll(".chart[data-figure]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
