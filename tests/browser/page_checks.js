// Facts about a loaded page of the book, gathered in the browser in one pass.
// Called by test_site_pages.py as page.evaluate(<this file>, {explorers, mode}).
async ({ explorers, mode }) => {
  const article = document.querySelector("article.bd-article") || document.querySelector("main") || document.body;
  const shown = (el) => {
    if (!el || !el.isConnected) return false;
    const rect = el.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) return false;
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none" && Number(style.opacity) > 0.05;
  };
  const facts = { theme: document.documentElement.dataset.theme, mode: document.documentElement.dataset.mode };

  // Maths: every .math node typeset by MathJax, no MathJax errors, no raw TeX in prose.
  const maths = [...document.querySelectorAll(".math")];
  facts.mathCount = maths.length;
  facts.untypeset = maths.filter((m) => !m.querySelector("mjx-container")).map((m) => m.textContent.trim().slice(0, 80));
  facts.mathErrors = [...document.querySelectorAll("mjx-merror")].map(
    (e) => (e.getAttribute("data-mjx-error") || e.textContent).slice(0, 120));
  const rawTex = /\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]{2,}|\\[{}]/;
  const skip = "pre, code, kbd, samp, script, style, textarea, template, mjx-container, .highlight, .cell_input";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  facts.rawTex = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.parentElement || node.parentElement.closest(skip)) continue;
    if (rawTex.test(node.nodeValue)) facts.rawTex.push(node.nodeValue.trim().slice(0, 120));
  }

  // Images: loaded, with alt text.
  const images = [...document.images];
  for (const img of images) img.loading = "eager";
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  facts.images = images.map((img) => ({
    src: img.getAttribute("src"),
    alt: img.getAttribute("alt"),
    loaded: img.complete && img.naturalWidth > 0,
    inArticle: article.contains(img),
    natural: img.naturalWidth,
    shown: Math.round(img.getBoundingClientRect().width * 10) / 10,
  }));

  // Nothing cut off: every output, table and displayed formula fits its box and the
  // column (a box that scrolls sideways hides the end of its lines too). Elements in
  // closed sections have no size and are checked in the pass after they were opened.
  const articleRight = article.getBoundingClientRect().right;
  facts.cutOff = [];
  const boxes = article.querySelectorAll(
    ".cell_output pre, .cell_output table, .output pre, table, mjx-container[display='true']");
  for (const el of boxes) {
    if (!shown(el)) continue;
    const rect = el.getBoundingClientRect();
    const hidden = Math.max(el.scrollWidth - el.clientWidth, Math.round(rect.right - articleRight));
    if (hidden > 1) {
      const cell = el.closest("div.cell");
      facts.cutOff.push({
        element: el.tagName.toLowerCase(), hiddenPixels: hidden,
        cell: cell ? (cell.querySelector(".cell_input") || {}).textContent?.trim().slice(0, 60) : null,
        text: el.textContent.trim().slice(0, 80),
      });
    }
  }

  // No spoilers: an exercise's check cell shows its call, and in place of its verdict
  // a note to run it in the notebook (_ext/book_site.py).
  facts.checkCells = [...article.querySelectorAll("div.cell")]
    .filter((cell) => /\bchecks\.check_\w+\(/.test((cell.querySelector(".cell_input") || {}).textContent || ""))
    .map((cell) => ({
      code: cell.querySelector(".cell_input").textContent.trim().slice(0, 80),
      output: [...cell.querySelectorAll(".cell_output")].map((o) => o.textContent.trim()).join(" | "),
    }));

  // Icons: drawn by Font Awesome's stylesheet and web fonts (the site has no Font Awesome script).
  facts.blankIcons = [...document.querySelectorAll("i[class*='fa-'], span[class*='fa-']")]
    .filter((el) => shown(el))
    .filter((el) => {
      const before = getComputedStyle(el, "::before");
      return !/Font Awesome/i.test(before.fontFamily) || ["none", "normal", '""'].includes(before.content);
    })
    .map((el) => el.className);

  // Weight: what the page transferred to this point (the light pass runs right after loading).
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  facts.weight = {
    bytes: resources.reduce((sum, r) => sum + r.transferSize, navigation ? navigation.transferSize : 0),
    requests: resources.length + 1,
    largest: resources.map((r) => [r.name.replace(location.origin, ""), r.transferSize])
      .sort((a, b) => b[1] - a[1]).slice(0, 3),
  };

  // Widgets: each live-widget cell shows no output on the site, and the first
  // figure after it (its static fallback) is visible.
  const cells = [...article.querySelectorAll("div.cell")];
  facts.widgets = [];
  cells.forEach((cell, index) => {
    const input = cell.querySelector(".cell_input");
    const code = input ? input.textContent : "";
    const isWidget = cell.classList.contains("tag_nbval-ignore-output")
      && explorers.some((name) => new RegExp(`\\b${name}\\b`).test(code));
    if (!isWidget) return;
    const later = cells.slice(index + 1).find((c) => c.querySelector(".cell_output img"));
    const figure = later ? later.querySelector(".cell_output img") : null;
    if (figure) figure.scrollIntoView();
    facts.widgets.push({
      code: code.trim().slice(0, 80),
      hasOutput: !!cell.querySelector(".cell_output"),
      fallback: figure ? {
        alt: figure.getAttribute("alt"),
        loaded: figure.complete && figure.naturalWidth > 0,
        visible: shown(figure) && !figure.closest("details:not([open])"),
        width: Math.round(figure.getBoundingClientRect().width),
      } : null,
    });
  });
  window.scrollTo(0, 0);

  // Saved widget state, and the scripts that could render it.
  facts.widgetState = document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length;
  facts.scripts = [...document.scripts].map((s) => s.src).filter(Boolean);
  facts.widgetScripts = [...document.scripts].map((s) => s.src)
    .filter((src) => /widget|html-manager|embed-amd|require(\.min)?\.js/i.test(src));

  // Exercises: every "Exercise ..." section holds a collapsed solution.
  facts.exercises = [...article.querySelectorAll("section")]
    .filter((s) => /^Exercise\b/.test((s.querySelector(":scope > h2, :scope > h3, :scope > h4") || {}).textContent || ""))
    .map((s) => ({
      title: s.querySelector(":scope > h2, :scope > h3, :scope > h4").textContent.replace("#", "").trim(),
      solutions: s.querySelectorAll("details.hide, .admonition.dropdown").length,
    }));

  facts.solutionMarkers = [...article.querySelectorAll(".cell_input")]
    .filter((c) => /### (BEGIN|END) SOLUTION/.test(c.textContent)).length;

  // Footer.
  const copyright = document.querySelector(".copyright");
  facts.copyright = copyright ? copyright.textContent.replace(/\s+/g, " ").trim() : null;
  facts.launchLinks = [...document.querySelectorAll(".dropdown-launch-buttons a, a.btn-launch, [class*=launch] a")]
    .map((a) => a.href);

  // Figures in this theme (the dark pass runs after every solution was opened).

  const parse = (css) => {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    return [0, 1, 2].map((i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]);
  };
  const pageBg = over(parse(getComputedStyle(document.body).backgroundColor),
    over(parse(getComputedStyle(document.documentElement).backgroundColor), [255, 255, 255, 1]));
  const background = (el) => {
    const layers = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return layers.reduceRight((acc, layer) => over(layer, acc), pageBg);
  };
  const luminance = ([r, g, b]) => {
    const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  facts.pageBackground = pageBg.slice(0, 3).map(Math.round);

  // Text contrast and alt text: axe-core (site_visits.py runs it after these checks).

  // Figures: an opaque background of their own, or a light one behind them.
  facts.figures = [];
  for (const img of article.querySelectorAll("img")) {
    if (!(img.complete && img.naturalWidth > 0)) continue;
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(img, 0, 0);
    const { width: w, height: h } = canvas;
    let opaque = 0;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const t = i / 49;
      for (const [x, y] of [[t * (w - 1), 0], [t * (w - 1), h - 1], [0, t * (h - 1)], [w - 1, t * (h - 1)]]) {
        total += 1;
        if (ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data[3] >= 250) opaque += 1;
      }
    }
    facts.figures.push({
      src: img.getAttribute("src"),
      opaqueBorder: Math.round((100 * opaque) / total),
      behindLuminance: Math.round(100 * luminance(background(img))) / 100,
    });
  }
  return facts;
}
