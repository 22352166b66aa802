// Writes each UTC moment of the page (<time datetime data-local>) in the viewer's local time
// too, and draws every chart of the page from the JSON the server embedded next to it. The look of
// a chart is the server's (undercut.web.charts.style); how it behaves here is set once:
// no mode bar on a phone or touch screen (it would cover the title), on hover elsewhere,
// and a plot area never squeezed under MIN_PLOT px by its legend (the chart grows instead).
(function () {
  "use strict";
  var MIN_PLOT = 260;
  var phone = window.matchMedia("(max-width: 40rem), (pointer: coarse)");
  function config() {
    return {responsive: true, displaylogo: false,
            displayModeBar: phone.matches ? false : "hover",
            modeBarButtonsToRemove: ["select2d", "lasso2d"]};
  }
  function fit(el, tries) {
    var full = el._fullLayout;
    if (!full || !full._size || full._size.h >= MIN_PLOT || tries <= 0) {
      return Promise.resolve();
    }
    // a legend below the plot may take up to half the figure: grow by twice the shortfall
    return window.Plotly.relayout(el, {height: full.height + 2 * (MIN_PLOT - full._size.h)})
      .then(function () { return fit(el, tries - 1); });
  }
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    el.textContent = "";
    window.Plotly.newPlot(el, figure.data, figure.layout, config())
      .then(function () { return fit(el, 4); })
      .then(function () { el.setAttribute("data-rendered", "true"); });
  }
  function localTimes() {
    var format = new Intl.DateTimeFormat(undefined, {weekday: "short", day: "numeric",
      month: "short", hour: "2-digit", minute: "2-digit"});
    var times = document.querySelectorAll("time[data-local]");
    for (var i = 0; i < times.length; i++) {
      var moment = new Date(times[i].getAttribute("datetime"));
      if (isNaN(moment.getTime()) || moment.getTimezoneOffset() === 0) { continue; }
      var local = document.createElement("span");
      local.className = "local";
      local.textContent = format.format(moment) + " your time";
      times[i].parentNode.insertBefore(local, times[i].nextSibling);
    }
  }
  function drawAll() {
    localTimes();
    var charts = document.querySelectorAll(".chart[data-figure]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () {
      var drawn = document.querySelectorAll(".chart[data-rendered]");
      for (var i = 0; i < drawn.length; i++) { fit(drawn[i], 4); }
    }, 200);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
