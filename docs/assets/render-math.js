// Renders the maths of every page with the KaTeX shipped in assets/katex/ (no network needed).
// pymdownx.arithmatex (generic mode) leaves each formula as <span class="arithmatex">\(...\)</span> or
// <div class="arithmatex">\[...\]</div>; each is replaced by KaTeX's rendering of the TeX inside.
(function () {
  function renderMath() {
    document.querySelectorAll(".arithmatex").forEach(function (element) {
      if (element.querySelector(".katex")) return;
      var tex = element.textContent.trim();
      var display = tex.startsWith("\\[");
      tex = tex.replace(/^\\[\[(]/, "").replace(/\\[\])]$/, "");
      katex.render(tex, element, { displayMode: display, throwOnError: false, strict: false });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(renderMath);      // Material's page-load signal (also after instant navigation)
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderMath);
  } else {
    renderMath();
  }
})();
