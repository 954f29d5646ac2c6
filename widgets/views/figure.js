// The course's figure component (front end). Draws a plotly figure with the plotly.js that
// JupyterLab already has, and redraws it in place with Plotly.react when the kernel sends a new
// figure. The figure's JSON is the only thing that crosses the wire; plotly.js (about 5 MB) never
// does, unless the page has no plotly.js at all, in which case it is asked for once (see below).

let loading = null; // one fallback load per page, shared by every figure

// plotly's JupyterLab extension (jupyterlab-plotly, installed with plotly) holds plotly.js and
// loads it the first time it draws a plotly output. Ask the extension for it: it is already in
// the page, cached by the browser. Only where there is no such extension (another front end) is
// plotly.js asked of the kernel: once per page, from the copy plotly.py ships.
async function fromLabExtension() {
  const container = window._JUPYTERLAB && window._JUPYTERLAB["jupyterlab-plotly"];
  if (!container) return null;
  const module = (await container.get("./mimeExtension"))();
  const rendered = module.RenderedPlotly;
  if (rendered && rendered.Plotly) return rendered.Plotly;
  // the extension loads plotly.js when it first renders: render an empty figure, off the page
  const mime = module.MIME_TYPE || "application/vnd.plotly.v1+json";
  const renderer = module.rendererFactory.createRenderer({ mimeType: mime });
  try {
    await renderer.renderModel({ data: { [mime]: { data: [], layout: {} } }, setData() {} });
  } finally {
    renderer.dispose();
  }
  return (rendered && rendered.Plotly) || window.Plotly || null;
}

function fromKernel(model) {
  return new Promise((resolve, reject) => {
    const onMessage = (message, buffers) => {
      if (!message || message.type !== "plotly-js") return;
      model.off("msg:custom", onMessage);
      if (!buffers || !buffers.length) {
        reject(new Error(message.error || "the kernel sent no plotly.js"));
        return;
      }
      const url = URL.createObjectURL(new Blob([buffers[0]], { type: "text/javascript" }));
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("plotly.js did not load"));
      document.head.appendChild(script);
    };
    model.on("msg:custom", onMessage);
    model.send({ type: "need-plotly-js" });
  });
}

function getPlotly(model) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    loading = (async () => {
      let plotly = null;
      try {
        plotly = await fromLabExtension();
      } catch (problem) {
        console.warn("course figure: plotly's JupyterLab extension did not give plotly.js", problem);
      }
      return plotly || window.Plotly || fromKernel(model);
    })();
    loading.catch(() => {
      loading = null; // let the next figure try again
    });
  }
  return loading;
}

function parse(model) {
  const text = model.get("figure_json");
  return text ? JSON.parse(text) : { data: [], layout: {} };
}

const HIDDEN = "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
  "clip:rect(0 0 0 0);white-space:nowrap;border:0";

export default {
  async render({ model, el }) {
    // The figure, and beside it (for screen readers) the sentence that states what it shows:
    // plotly draws an SVG whose text a screen reader cannot put together.
    el.classList.add("course-figure");
    el.setAttribute("role", "figure");
    const plot = document.createElement("div");
    const text = document.createElement("p");
    text.className = "course-figure-text";
    text.setAttribute("style", HIDDEN);
    el.append(plot, text);
    const describe = () => {
      const words = model.get("description") || "A figure.";
      el.setAttribute("aria-label", words);
      text.textContent = "Figure: " + words;
    };
    describe();
    let Plotly;
    try {
      Plotly = await getPlotly(model);
    } catch (problem) {
      plot.textContent = "This figure needs plotly.js, which did not load: " + problem.message;
      return;
    }
    const config = { responsive: true, displaylogo: false };
    const draw = () => {
      const figure = parse(model);
      return Plotly.react(plot, figure.data || [], figure.layout || {}, config);
    };
    await draw();
    const redraw = () => {
      draw();
    };
    model.on("change:figure_json", redraw);
    model.on("change:description", describe);
    // A figure first drawn in a hidden tab has no width: resize it when it becomes visible.
    let width = plot.clientWidth;
    const observer = new ResizeObserver(() => {
      if (plot.clientWidth && plot.clientWidth !== width) {
        width = plot.clientWidth;
        Plotly.Plots.resize(plot);
      }
    });
    observer.observe(plot);
    return () => {
      observer.disconnect();
      model.off("change:figure_json", redraw);
      model.off("change:description", describe);
      Plotly.purge(plot);
    };
  },
};
