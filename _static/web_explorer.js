// The explorers on the website (see _ext/web_explorers.py): real sliders that swap
// precomputed frames, each drawn by the notebook explorer's own code at the site build.
// No maths here: a setting picks a frame (figure, verdict, readouts) and shows it.
// The frames load on the first interaction with an explorer (focus, click, key).
(() => {
  "use strict";
  const loads = {};

  // The explorer's data (verdicts, readouts, frame files) as a script: it works from
  // file:// too, where fetch() is refused.
  function loadData(key, base) {
    if (!loads[key]) {
      loads[key] = new Promise((resolve, reject) => {
        const ready = () => window.webExplorerData && window.webExplorerData[key];
        if (ready()) { resolve(ready()); return; }
        const script = document.createElement("script");
        script.src = base + "data.js";
        script.onload = () => (ready() ? resolve(ready()) : reject(new Error(`${script.src} has no frames`)));
        script.onerror = () => reject(new Error(`could not load ${script.src}`));
        document.head.appendChild(script);
      });
    }
    return loads[key];
  }

  function setUp(box) {
    const { key, base, label } = box.dataset;
    const counts = JSON.parse(box.dataset.counts);
    const controls = [...box.querySelectorAll("[data-control]")];
    const image = box.querySelector("img.web-explorer-frame");
    const verdict = box.querySelector(".web-explorer-verdict");
    const names = controls.map((el) => box.querySelector(`label[for="${el.id}"]`).textContent);
    let data = null;
    let preloaded = [];

    const frameIndex = () => controls.reduce((k, el, i) => k * counts[i] + Number(el.value), 0);

    const start = () => loadData(key, base).then((loaded) => {
      if (!data) {
        data = loaded;
        // Fetch every frame now, so that each slider move is a swap from the cache.
        preloaded = data.frames.map((frame) => { const img = new Image(); img.src = base + frame.file; return img; });
      }
      return data;
    });

    const show = () => {
      const k = frameIndex();
      const frame = data.frames[k];
      box.dataset.frame = String(k);
      image.src = base + frame.file;
      const settings = controls.map((el, i) => `${names[i]} ${frame.readouts[i]}`).join(", ");
      image.alt = `The ${label} at ${settings}; the verdict below says what it shows.`;
      controls.forEach((el, i) => {
        if (el.type === "range") {
          el.setAttribute("aria-valuetext", frame.readouts[i]);
          const output = el.nextElementSibling;
          if (output) output.textContent = frame.readouts[i];
        }
      });
      verdict.innerHTML = frame.verdict;
    };

    const changed = () => start().then(show).catch((error) => {
      verdict.textContent = `The explorer's frames could not be loaded (${error.message}).`;
    });

    for (const el of controls) {
      el.addEventListener("input", changed);
      el.addEventListener("change", changed);
      for (const event of ["focus", "pointerdown"]) el.addEventListener(event, () => start().catch(() => null));
    }
    box.hidden = false;
    box.webExplorer = { start, show, get preloaded() { return preloaded; } };
  }

  const init = () => document.querySelectorAll(".web-explorer").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
