// The symdiff page: reads the expression as it is typed, differentiates it on submit, and shows the steps,
// matrices, values at a point, the plot and the answer check, all through the local JSON API (/api/...).
// Plain DOM code, no framework and no build step; loaded with `defer` after KaTeX, and free of eval and inline
// handlers so that the server's Content-Security-Policy can forbid both.
(function () {
  "use strict";

  var READ_DELAY_MS = 150;          // the preview waits this long after the last keystroke
  var MAX_KATEX_CHARS = 20000;      // longer LaTeX is shown as text: KaTeX on megabytes would freeze the tab
  var GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma " +
               "tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split(" ");

  function $(id) { return document.getElementById(id); }

  var el = {
    form: $("diff-form"), expr: $("expr"), fromLatex: $("from-latex"), preview: $("preview"),
    inputError: $("input-error"), wrt: $("wrt"), wrtOptions: $("wrt-options"), order: $("order"),
    result: $("result"), copyLatex: $("copy-latex"), copyText: $("copy-text"), copyStatus: $("copy-status"),
    steps: $("steps"), stepsBody: $("steps-body"),
    gradient: $("gradient"), jacobian: $("jacobian"), hessian: $("hessian"), matrixResult: $("matrix-result"),
    pointForm: $("point-form"), point: $("point"), value: $("value"), tangent: $("tangent"),
    limitTable: $("limit-table"), rangeForm: $("range-form"), rangeFrom: $("range-from"), rangeTo: $("range-to"),
    plot: $("plot"), checkForm: $("check-form"), answer: $("answer"), verdict: $("verdict"), version: $("version"),
    answerNotation: $("answer-notation")
  };

  // ---- state ---------------------------------------------------------------------------------------------

  var state = {
    reading: null,        // the last successful /api/read: {key, data} (key = from + input text)
    readSeq: 0,           // increases with every read; a late answer to an older read is dropped
    readTimer: null,
    readAbort: null,
    derivative: null,     // the last /api/diff answer, for the copy buttons
    steps: null,          // the steps' request of the last submission: {source, wrt, order, loaded}
    matrixKind: null,     // "gradient" | "jacobian" | "hessian" once one was chosen: redone on each submit
    seq: {}               // per output: the latest request's number, so that late answers are dropped
  };

  // ---- small DOM helpers ---------------------------------------------------------------------------------

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // data-state="ready|loading|error" on each output, for the browser tests to wait on (the steps' state is
  // also put on their <details>, which stays visible when closed).
  function setState(node, value) {
    node.setAttribute("data-state", value);
    if (node === el.stepsBody) el.steps.setAttribute("data-state", value);
  }

  function placeholder(node, text) {
    clear(node);
    if (text) node.appendChild(make("p", "placeholder", text));
  }

  // KaTeX into `node`; plain text when KaTeX is missing or the LaTeX is too long to render quickly.
  function renderMath(node, tex, display) {
    if (typeof katex === "undefined" || tex.length > MAX_KATEX_CHARS) {
      node.appendChild(make("code", "math-fallback", tex));
      return;
    }
    var holder = make(display ? "div" : "span", display ? "math-display" : "math-inline");
    try {
      katex.render(tex, holder, { displayMode: !!display, throwOnError: false, strict: false, trust: false });
    } catch (e) {
      holder.textContent = tex;
    }
    node.appendChild(holder);
  }

  // ---- the API -------------------------------------------------------------------------------------------

  // POST `body` to /api/`name`: resolves to {ok: true, data} or {ok: false, error: {message, position, kind,
  // detail}}; never rejects, so that no answer (an HTML error page, a dropped connection) can break the page.
  function api(name, body, signal) {
    var options = {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store"
    };
    if (signal) options.signal = signal;
    return fetch("/api/" + name, options).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (response.ok && data !== null && typeof data === "object") return { ok: true, data: data };
        return { ok: false, error: describeError(response, data) };
      });
    }).catch(function (err) {  // no answer, or its body cut off (also by abort(): a newer request replaced it)
      if ((err && err.name === "AbortError") || (signal && signal.aborted)) {
        return { ok: false, aborted: true, error: { message: "cancelled", position: null } };
      }
      return { ok: false, error: { message: "could not reach the symdiff server (is `symdiff serve` running?)",
                                   position: null, kind: "NetworkError" } };
    });
  }

  function describeError(response, data) {
    var e = (data && typeof data === "object" && data.error && typeof data.error === "object") ? data.error : {};
    var serverMessage = typeof e.message === "string" ? e.message : "";
    var out = { message: serverMessage, position: typeof e.position === "number" ? e.position : null,
                kind: typeof e.kind === "string" ? e.kind : "", field: typeof e.field === "string" ? e.field : null,
                detail: "" };
    if (response.status === 503 && out.kind === "ServerBusy") {
      out.message = "the server is busy: try again in a moment";
      out.detail = "";
    } else if (response.status === 503 && out.kind !== "MissingExtraError") {
      out.message = "took too long (over the time limit)";
      out.detail = serverMessage;
      out.position = null;
    } else if (response.status === 413) {
      out.message = "the input is too large for the server";
      out.detail = serverMessage;
    } else if (!out.message) {
      out.message = "the server answered with status " + response.status;
    }
    return out;
  }

  // A fresh number for output `name`; `isLatest(name, n)` says whether n is still the newest request.
  function nextSeq(name) { state.seq[name] = (state.seq[name] || 0) + 1; return state.seq[name]; }
  function isLatest(name, n) { return state.seq[name] === n; }

  // An error in `node` (with role=alert so that it is announced), its detail as a second line.
  function showError(node, error, prefix) {
    clear(node);
    var box = make("div", "error-box");
    box.setAttribute("role", "alert");
    box.appendChild(make("p", "error-message", (prefix ? prefix + ": " : "") + error.message));
    if (error.detail && error.detail !== error.message) box.appendChild(make("p", "error-detail", error.detail));
    node.appendChild(box);
    setState(node, "error");
  }

  // An error of a section's request, with a copy of the text it points into (the expression, the point or
  // the answer, as the server's "field" says) and the character marked.
  function showFieldError(node, error, source, prefix) {
    showError(node, error, prefix);
    if (typeof error.position !== "number") return;
    var texts = { expr: source.expr, at: el.point.value.trim(), answer: el.answer.value };
    var text = texts[error.field];
    if (typeof text !== "string" || error.position > text.length) return;
    var box = node.querySelector(".error-box");
    if (box) box.appendChild(caretLine(text, error.position));
  }

  // ---- the expression and its preview --------------------------------------------------------------------

  function fromValue() { return el.fromLatex.checked ? "latex" : "text"; }
  function readKey() { return fromValue() + "\u0000" + el.expr.value; }

  // The input split at its top-level commas ("x y, x + y" is a list for the Jacobian); commas inside
  // brackets, as in max(x, y), do not split.
  function splitTopLevel(text) {
    var parts = [], depth = 0, start = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (c === "(" || c === "[" || c === "{") depth++;
      else if ((c === ")" || c === "]" || c === "}") && depth > 0) depth--;
      else if (c === "," && depth === 0) { parts.push({ text: text.slice(start, i), offset: start }); start = i + 1; }
    }
    parts.push({ text: text.slice(start), offset: start });
    return parts;
  }

  // Reads the input now: a single expression, or each item of a comma-separated list. Resolves to
  // {ok, data: {text, latex, variables, notes, count}} or {ok: false, error} with the position in the input.
  function readInput(signal) {
    var text = el.expr.value, from = fromValue();
    var parts = splitTopLevel(text);
    if (parts.length > 1 && parts.some(function (p) { return !p.text.trim(); })) parts = [{ text: text, offset: 0 }];
    return Promise.all(parts.map(function (p) {
      return api("read", { expr: p.text, from: from }, signal);
    })).then(function (answers) {
      for (var i = 0; i < answers.length; i++) {
        if (!answers[i].ok) {
          var error = answers[i].error;
          if (error.position !== null && error.position !== undefined) error.position += parts[i].offset;
          return answers[i];
        }
      }
      if (answers.length === 1) {
        var only = answers[0].data;
        return { ok: true, data: { text: only.text, latex: only.latex, variables: only.variables || [],
                                   notes: only.notes || [], count: 1 } };
      }
      var variables = [], notes = [];
      answers.forEach(function (a, index) {
        (a.data.variables || []).forEach(function (v) { if (variables.indexOf(v) < 0) variables.push(v); });
        (a.data.notes || []).forEach(function (n) {
          notes.push({ message: n.message,
                       position: typeof n.position === "number" ? n.position + parts[index].offset : null });
        });
      });
      variables.sort();
      notes.push({ message: "a list of " + answers.length + " functions: differentiate each, or use the Jacobian",
                   position: null });
      return { ok: true, data: {
        text: answers.map(function (a) { return a.data.text; }).join(", "),
        latex: answers.map(function (a) { return a.data.latex; }).join(",\\quad "),
        variables: variables, notes: notes, count: answers.length } };
    });
  }

  function scheduleRead() {
    if (state.readTimer) clearTimeout(state.readTimer);
    if (!el.expr.value.trim()) {
      if (state.readAbort) state.readAbort.abort();
      state.readSeq++;
      state.reading = null;
      hideInputError();
      placeholder(el.preview, "Type an expression, e.g. x^2 sin(x)");
      setState(el.preview, "ready");
      updateVariables([]);
      return;
    }
    setState(el.preview, "loading");
    state.readTimer = setTimeout(function () { state.readTimer = null; runRead(); }, READ_DELAY_MS);
  }

  // Reads the current input for the preview; resolves to the reading ({ok, data|error}).
  function runRead() {
    if (state.readAbort) state.readAbort.abort();
    var controller = typeof AbortController !== "undefined" ? new AbortController() : null;
    state.readAbort = controller;
    var n = ++state.readSeq, key = readKey(), input = el.expr.value;
    setState(el.preview, "loading");
    return readInput(controller ? controller.signal : undefined).then(function (answer) {
      if (answer.aborted || n !== state.readSeq) return answer;
      if (answer.ok) {
        state.reading = { key: key, data: answer.data };
        hideInputError();
        showPreview(answer.data);
        updateVariables(answer.data.variables);
      } else {
        state.reading = null;
        showInputError(answer.error, input);
        clear(el.preview);
        el.preview.appendChild(make("p", "preview-invalid", "Not readable yet: see the message above."));
        setState(el.preview, "error");
      }
      return answer;
    });
  }

  // The current reading, from the cache when the input has not changed since it was read.
  function currentReading() {
    if (state.reading && state.reading.key === readKey()) {
      return Promise.resolve({ ok: true, data: state.reading.data });
    }
    if (state.readTimer) { clearTimeout(state.readTimer); state.readTimer = null; }
    return runRead();
  }

  function showPreview(data) {
    clear(el.preview);
    var math = make("div", "preview-math");
    renderMath(math, data.latex || "", false);
    el.preview.appendChild(math);
    if (data.text) {
      var text = make("p", "preview-text");
      text.appendChild(make("span", "muted", "as text: "));
      text.appendChild(make("code", null, data.text));
      el.preview.appendChild(text);
    }
    if (data.notes && data.notes.length) {
      var list = make("ul", "notes");
      data.notes.forEach(function (note) {
        var item = make("li", "note", note.message);
        list.appendChild(item);
      });
      el.preview.appendChild(list);
    }
    setState(el.preview, "ready");
  }

  // The error under the input: a copy of the input in the same font, aligned under it, with the offending
  // character marked (a caret), then the message.
  function showInputError(error, input) {
    clear(el.inputError);
    el.inputError.hidden = false;
    var pos = error.position;
    if (typeof pos === "number" && pos >= 0 && pos <= input.length) {
      var pre = caretLine(input, pos);
      el.inputError.appendChild(pre);
      // Scrolled as the input is, so that the mark stays under the character when the input is long.
      pre.scrollLeft = el.expr.scrollLeft;
    }
    el.inputError.appendChild(make("p", "error-message", error.message));
    if (error.detail && error.detail !== error.message) {
      el.inputError.appendChild(make("p", "error-detail", error.detail));
    }
    el.expr.setAttribute("aria-invalid", "true");
  }

  // A copy of `text` with the character at `pos` marked (a space marked when pos is the end of the text);
  // screen readers are told the position in words instead.
  function caretLine(text, pos) {
    var pre = make("pre", "caret-line");
    var said = make("span", "visually-hidden", pos < text.length ? "At character " + (pos + 1) + ": " +
                    text.charAt(pos) + "." : "At the end of the text.");
    pre.appendChild(said);
    var shown = make("span");
    shown.setAttribute("aria-hidden", "true");
    shown.appendChild(document.createTextNode(text.slice(0, pos)));
    shown.appendChild(make("mark", "caret-mark", pos < text.length ? text.charAt(pos) : " "));
    shown.appendChild(document.createTextNode(text.slice(pos + 1)));
    pre.appendChild(shown);
    return pre;
  }

  function hideInputError() {
    clear(el.inputError);
    el.inputError.hidden = true;
    el.expr.setAttribute("aria-invalid", "false");
  }

  // The variable field's suggestions (each variable, and all of them for the mixed partial) and placeholder.
  function updateVariables(variables) {
    clear(el.wrtOptions);
    variables.forEach(function (v) {
      var option = document.createElement("option");
      option.value = v;
      el.wrtOptions.appendChild(option);
    });
    if (variables.length > 1) {
      var all = document.createElement("option");
      all.value = variables.join(",");
      el.wrtOptions.appendChild(all);
    }
    el.wrt.placeholder = variables.length ? variables[0] : "x";
  }

  // ---- the request fields --------------------------------------------------------------------------------

  function wrtList(text) {
    return text.split(",").map(function (v) { return v.trim(); }).filter(function (v) { return v; });
  }

  // The variables to differentiate in, as typed; none when the field is empty: the server then takes the
  // expression's own d/dx, or its variable (x first), as the command line does.
  function chosenWrt() {
    return el.wrt.value.trim();
  }

  // The variables for the gradient and Hessian: a typed list (x,y), else all the expression's variables.
  function matrixWrt() {
    var typed = el.wrt.value.trim();
    return wrtList(typed).length > 1 ? typed : "";
  }

  function chosenOrder() {
    var order = parseInt(el.order.value, 10);
    return isFinite(order) && order >= 1 ? order : 1;
  }

  // ---- LaTeX for the operators ---------------------------------------------------------------------------

  function varLatex(name) {
    if (GREEK.indexOf(name) >= 0) return "\\" + name;
    if (/^[A-Za-z]$/.test(name)) return name;
    var m = /^([A-Za-z])_?([0-9]+)$/.exec(name);
    if (m) return m[1] + "_{" + m[2] + "}";
    return "\\mathit{" + name.replace(/[^A-Za-z0-9]/g, "") + "}";
  }

  // d^n/dx^n, or the partial derivative in each variable (`order` times each, the first applied first).
  function operatorLatex(variables, order, partial) {
    var sequence = [];
    variables.forEach(function (v) { for (var i = 0; i < order; i++) sequence.push(v); });
    if (!sequence.length) return "\\frac{d}{d\\,\\cdot}";
    var d = partial ? "\\partial" : "d";
    var runs = [];
    sequence.slice().reverse().forEach(function (v) {
      if (runs.length && runs[runs.length - 1].v === v) runs[runs.length - 1].n++;
      else runs.push({ v: v, n: 1 });
    });
    var total = sequence.length;
    var top = d + (total > 1 ? "^{" + total + "}" : "");
    var bottom = runs.map(function (r) {
      return d + " " + varLatex(r.v) + (r.n > 1 ? "^{" + r.n + "}" : "");
    }).join(" ");
    return "\\frac{" + top + "}{" + bottom + "}";
  }

  // ---- differentiate -------------------------------------------------------------------------------------

  // The expression's fields for the API ({expr} or {expr, from: "latex"}), once the input has been read (from
  // the cache when the preview has read it already): a request is not sent for input known to be unreadable,
  // and the expression's variables are known. Resolves to {ok, source} or {ok: false, error}.
  function expressionForApi() {
    if (!el.expr.value.trim()) {
      return Promise.resolve({ ok: false, error: { message: "type an expression first", position: null } });
    }
    var source = { expr: el.expr.value, latex: el.fromLatex.checked };
    return currentReading().then(function (answer) {
      if (!answer.ok) return answer;
      return { ok: true, source: source };
    });
  }

  // A request's body: the expression's fields and `extra` (the fields left undefined are not sent).
  function request(source, extra) {
    var body = { expr: source.expr };
    if (source.latex) body.from = "latex";
    Object.keys(extra || {}).forEach(function (k) {
      if (extra[k] !== undefined && extra[k] !== null && extra[k] !== "") body[k] = extra[k];
    });
    return body;
  }

  function differentiate() {
    var n = nextSeq("result");
    setState(el.result, "loading");
    el.copyLatex.disabled = true;
    el.copyText.disabled = true;
    state.derivative = null;
    writeHash();
    expressionForApi().then(function (expr) {
      if (!isLatest("result", n)) return;
      if (!expr.ok) {
        showInputError(expr.error, el.expr.value);
        showError(el.result, expr.error);
        state.steps = null;
        nextSeq("steps");
        placeholder(el.stepsBody, "No steps: the expression could not be read.");
        setState(el.stepsBody, "ready");
        el.expr.focus();
        return;
      }
      var source = expr.source, wrt = chosenWrt(), order = chosenOrder();
      api("diff", request(source, { wrt: wrt, order: order })).then(function (answer) {
        if (!isLatest("result", n)) return;
        if (!answer.ok) {
          if (answer.error.field === "expr" && answer.error.position !== null) {
            showInputError(answer.error, source.expr);
          }
          showError(el.result, answer.error);
          return;
        }
        showDerivative(answer.data, order);
      });
      prepareSteps(source, wrt, order);
      if (state.matrixKind) loadMatrix(state.matrixKind, source);
      if (el.point.value.trim()) evaluateAt(source);
      else loadPlot(source);
    });
  }

  // A derivative operator written in the input (d/dx x^2) is in its LaTeX already: nothing is put before it.
  var WRITTEN_OPERATOR = /^\\frac\{d(\^\{\d+\})?\}\{d[A-Za-z\\]/;

  function showDerivative(data, order) {
    state.derivative = data;
    clear(el.result);
    var variables = Array.isArray(data.variables) ? data.variables : [];
    var inputLatex = data.input && typeof data.input.latex === "string" ? data.input.latex : "";
    var lhs = "";
    var equation = equationSides(inputLatex);
    if (inputLatex && WRITTEN_OPERATOR.test(inputLatex)) {
      lhs = inputLatex + " = ";
    } else if (equation && variables.length) {
      lhs = operatorLatex(variables, order, isPartial(variables)) + " " + equation[0] + " = ";
    } else if (inputLatex && variables.length) {
      lhs = operatorLatex(variables, order, isPartial(variables)) + "\\left(" + inputLatex + "\\right) = ";
    }
    renderMath(el.result, lhs + (data.latex || ""), true);
    if (typeof data.result === "string") {
      var text = make("p", "result-text");
      text.appendChild(make("span", "muted", "as text: "));
      text.appendChild(make("code", null, data.result));
      el.result.appendChild(text);
    }
    el.copyLatex.disabled = false;
    el.copyText.disabled = false;
    setState(el.result, "ready");
  }

  // [left, right] of a definition read as an equation (f(x) = x^2: its LaTeX is "f(x) = x^{2}"), else null.
  function equationSides(latex) {
    var parts = (latex || "").split(" = ");
    return parts.length === 2 ? parts : null;
  }

  // Partial derivatives (\partial) for a function of several variables, or in several.
  function isPartial(variables) {
    var distinct = variables.filter(function (v, i) { return variables.indexOf(v) === i; });
    return distinct.length > 1 || manyVariables();
  }

  // ---- steps ---------------------------------------------------------------------------------------------

  // The steps are asked for only when they are shown (the <details> open): most submissions never look at
  // them, and a derivative that takes the server long would take it twice as long.
  function prepareSteps(source, wrt, order) {
    state.steps = { source: source, wrt: wrt, order: order, loaded: false };
    if (el.steps.open) {
      loadPendingSteps();
    } else {
      nextSeq("steps");
      placeholder(el.stepsBody, "");
      setState(el.stepsBody, "ready");
    }
  }

  function loadPendingSteps() {
    var pending = state.steps;
    if (!pending || pending.loaded) return;
    pending.loaded = true;
    loadSteps(pending.source, pending.wrt, pending.order);
  }

  function loadSteps(source, wrt, order) {
    var n = nextSeq("steps");
    setState(el.stepsBody, "loading");
    api("steps", request(source, { wrt: wrt, order: order })).then(function (answer) {
      if (!isLatest("steps", n)) return;
      if (!answer.ok) { showError(el.stepsBody, answer.error, "no steps"); return; }
      showSteps(answer.data);
    });
  }

  // One derivation ({expression, variable, steps, result}) or several ({derivations: [...]}) for higher
  // orders and mixed partials: each step's rule, its rewrites as text and the expression after it.
  function showSteps(data) {
    clear(el.stepsBody);
    var derivations = Array.isArray(data.derivations) ? data.derivations : [data];
    var inputLatex = state.derivative && state.derivative.input ? state.derivative.input.latex :
                     state.reading ? state.reading.data.latex : null;
    var previousLatex = inputLatex && !WRITTEN_OPERATOR.test(inputLatex) ? inputLatex : null;
    if (previousLatex && equationSides(previousLatex)) previousLatex = equationSides(previousLatex)[1];
    var partial = manyVariables();
    derivations.forEach(function (derivation, index) {
      var block = make("div", "derivation");
      var variable = typeof derivation.variable === "string" ? derivation.variable : "";
      if (derivations.length > 1) {
        block.appendChild(make("h3", "derivation-title",
                               (index + 1) + ". " + (derivation.title || "d/d" + variable)));
      }
      var start = make("div", "step step-start");
      if (previousLatex && variable) {
        renderMath(start, operatorLatex([variable], 1, partial) + "\\left[" + previousLatex + "\\right]", true);
      } else {
        start.appendChild(make("code", null, "d/d" + variable + " [" + (derivation.expression || "") + "]"));
      }
      block.appendChild(start);
      var list = make("ol", "step-list");
      (derivation.steps || []).forEach(function (step) {
        var item = make("li", "step");
        var head = make("div", "step-head");
        head.appendChild(make("span", "rule", step.rule || "step"));
        item.appendChild(head);
        (step.rewrites || []).forEach(function (rewrite) {
          var line = make("div", "rewrite");
          line.appendChild(make("code", null, rewrite.from));
          line.appendChild(make("span", "arrow", " \u2192 "));
          line.appendChild(make("code", null, rewrite.to));
          item.appendChild(line);
        });
        var math = make("div", "step-math");
        if (typeof step.latex === "string") {
          renderMath(math, "= " + step.latex, true);
          previousLatex = step.latex;
        } else {
          math.appendChild(make("code", null, "= " + (step.expression || "")));
        }
        item.appendChild(math);
        list.appendChild(item);
      });
      if (!(derivation.steps || []).length) {
        list.appendChild(make("li", "step", "no rule needed: " + (derivation.result || "")));
      }
      block.appendChild(list);
      el.stepsBody.appendChild(block);
    });
    setState(el.stepsBody, "ready");
  }

  // ---- gradient, Jacobian, Hessian -----------------------------------------------------------------------

  var MATRIX_LABEL = { gradient: "\\nabla f", jacobian: "J", hessian: "H_f" };

  function chooseMatrix(kind) {
    state.matrixKind = kind;
    ["gradient", "jacobian", "hessian"].forEach(function (k) {
      el[k].setAttribute("aria-pressed", k === kind ? "true" : "false");
    });
    if (!el.expr.value.trim()) {
      showError(el.matrixResult, { message: "type an expression first" });
      return;
    }
    var n = nextSeq("matrix");
    setState(el.matrixResult, "loading");
    expressionForApi().then(function (expr) {
      if (!isLatest("matrix", n)) return;
      if (!expr.ok) { showError(el.matrixResult, expr.error); return; }
      loadMatrix(kind, expr.source);
    });
  }

  // The Jacobian takes the input as a list: the text as typed (the server reads "f, g"), LaTeX split at its
  // top-level commas (one LaTeX expression each).
  function loadMatrix(kind, source) {
    var n = nextSeq("matrix");
    setState(el.matrixResult, "loading");
    var body;
    if (kind === "jacobian") {
      body = { exprs: source.latex ? splitTopLevel(source.expr).map(function (p) { return p.text; }) : source.expr };
      if (source.latex) body.from = "latex";
      if (matrixWrt()) body.wrt = matrixWrt();
    } else {
      body = request(source, { wrt: matrixWrt() });
    }
    api(kind, body).then(function (answer) {
      if (!isLatest("matrix", n)) return;
      if (!answer.ok) {
        var error = answer.error;
        if (error.position !== null && (error.field === "expr" || error.field === "exprs")) {
          showInputError(error, source.expr);
        } else if (error.position !== null && /^exprs\[\d+\]$/.test(error.field || "")) {
          var part = splitTopLevel(source.expr)[parseInt(error.field.slice(6), 10)];
          if (part) showInputError({ message: error.message, position: error.position + part.offset }, source.expr);
        }
        showError(el.matrixResult, error);
        return;
      }
      clear(el.matrixResult);
      renderMath(el.matrixResult, MATRIX_LABEL[kind] + " = " + (answer.data.latex || ""), true);
      setState(el.matrixResult, "ready");
    });
  }

  // ---- at a point ----------------------------------------------------------------------------------------

  function evaluatePoint() {
    writeHash();
    if (!el.point.value.trim()) {
      showError(el.value, { message: "type a point first, such as x=1" });
      el.point.focus();
      return;
    }
    expressionForApi().then(function (expr) {
      if (!expr.ok) { showError(el.value, expr.error); return; }
      evaluateAt(expr.source);
    });
  }

  function pointLatex(at) {
    return at.split(",").map(function (part) {
      var bits = part.split("=");
      if (bits.length !== 2) return "\\text{" + part.replace(/[^A-Za-z0-9 .+\-*\/^()]/g, "") + "}";
      var name = bits[0].trim(), value = bits[1].trim().replace(/[^A-Za-z0-9 .+\-*\/^()]/g, "");
      return (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? varLatex(name) : "\\text{?}") + " = \\texttt{" +
             value.replace(/\^/g, "\\textasciicircum{}") + "}";
    }).join(",\\ ");
  }

  // Whether the expression has more than one variable (as last read): no difference quotients or plot then.
  function manyVariables() {
    return !!(state.reading && state.reading.data.variables.length > 1);
  }

  function oneVariableOnly(node) {
    nextSeq("plot");
    placeholder(node, "The plot is drawn for functions of one variable only.");
    setState(node, "ready");
  }

  function evaluateAt(source) {
    var at = el.point.value.trim();
    var wrt = chosenWrt(), order = chosenOrder();
    loadValue(source, at, wrt, order);
    loadTangent(source, at);
    loadLimit(source, at, wrt);
    loadPlot(source, at);
  }

  function loadValue(source, at, wrt, order) {
    var n = nextSeq("value");
    setState(el.value, "loading");
    api("value", request(source, { at: at, wrt: wrt, order: order })).then(function (answer) {
      if (!isLatest("value", n)) return;
      if (!answer.ok) { showFieldError(el.value, answer.error, source); return; }
      var data = answer.data;
      clear(el.value);
      var variables = wrt ? wrtList(wrt) : [];
      var lhs = variables.length ? operatorLatex(variables, order, isPartial(variables)) + " f\\,\\Big|_{" +
                                   pointLatex(at) + "}"
                                 : (order === 1 ? "f'" : "f^{(" + order + ")}") + "\\,\\Big|_{" + pointLatex(at) + "}";
      var tex = lhs + " = " + (data.latex || data.result);
      if (typeof data.float === "number" && String(data.float) !== String(data.result)) {
        tex += " \\approx " + formatNumber(data.float);
      }
      renderMath(el.value, tex, false);
      setState(el.value, "ready");
    });
  }

  function loadTangent(source, at) {
    var n = nextSeq("tangent");
    setState(el.tangent, "loading");
    api("tangent", request(source, { at: at })).then(function (answer) {
      if (!isLatest("tangent", n)) return;
      if (!answer.ok) { showFieldError(el.tangent, answer.error, source); return; }
      clear(el.tangent);
      var data = answer.data;
      if (typeof data.latex === "string") renderMath(el.tangent, data.latex, false);
      else el.tangent.appendChild(make("code", null, data.equation || ""));
      if (data.kind && data.kind !== "tangent line") el.tangent.appendChild(make("span", "muted", " (" + data.kind + ")"));
      setState(el.tangent, "ready");
    });
  }

  // The difference quotients in the first variable typed, else the point's (x=1), else the expression's.
  function loadLimit(source, at, wrt) {
    var n = nextSeq("limit");
    var one = wrtList(wrt || "")[0] || "";
    if (!one && manyVariables() && at.indexOf(",") >= 0) {
      placeholder(el.limitTable, "Type the variable (under Variable(s)) for the difference quotients in it.");
      setState(el.limitTable, "ready");
      return;
    }
    setState(el.limitTable, "loading");
    api("limit", request(source, { at: at, wrt: one })).then(function (answer) {
      if (!isLatest("limit", n)) return;
      if (!answer.ok) { showFieldError(el.limitTable, answer.error, source); return; }
      showLimitTable(answer.data, at);
    });
  }

  function formatNumber(x) {
    if (typeof x !== "number") return String(x);
    if (!isFinite(x)) return String(x);
    if (x !== 0 && (Math.abs(x) < 1e-4 || Math.abs(x) >= 1e12)) return x.toExponential(6).replace(/\.?0+e/, "e");
    return String(parseFloat(x.toPrecision(12)));
  }

  // h as 0.1 ... 0.0001, then 10^-5 (with a real superscript, not "1e-05").
  function appendStep(cell, h) {
    if (typeof h === "number" && h > 0 && h < 1e-3) {
      var exponent = Math.round(Math.log(h) / Math.LN10);
      if (Math.abs(h - Math.pow(10, exponent)) < 1e-12 * Math.pow(10, exponent)) {
        cell.appendChild(document.createTextNode("10"));
        cell.appendChild(make("sup", null, "\u2212" + String(-exponent)));
        return;
      }
    }
    cell.textContent = formatNumber(h);
  }

  function showLimitTable(data, at) {
    clear(el.limitTable);
    var table = make("table", "limit");
    var caption = make("caption", null, "Difference quotients at " + at);
    table.appendChild(caption);
    var head = make("thead"), row = make("tr");
    var th1 = make("th", null, "h"); th1.scope = "col";
    var th2 = make("th", null, "(f(a+h) \u2212 f(a)) / h"); th2.scope = "col";
    row.appendChild(th1); row.appendChild(th2); head.appendChild(row); table.appendChild(head);
    var body = make("tbody");
    (data.rows || []).forEach(function (r) {
      var tr = make("tr");
      var h = make("td");
      appendStep(h, r[0]);
      tr.appendChild(h);
      tr.appendChild(make("td", "num", formatNumber(r[1])));
      body.appendChild(tr);
    });
    table.appendChild(body);
    var foot = make("tfoot"), fr = make("tr");
    var label = make("th", null, "exact"); label.scope = "row";
    var exact = make("td", "num");
    exact.appendChild(make("code", null, "f\u2032(a) = " + (data.exact !== undefined ? data.exact : "")));
    if (typeof data.value === "number" && String(data.value) !== String(data.exact)) {
      exact.appendChild(make("span", "muted", " \u2248 " + formatNumber(data.value)));
    }
    fr.appendChild(label); fr.appendChild(exact); foot.appendChild(fr); table.appendChild(foot);
    el.limitTable.appendChild(table);
    setState(el.limitTable, "ready");
  }

  // ---- the plot ------------------------------------------------------------------------------------------

  function plotRange() {
    var a = parseFloat(el.rangeFrom.value), b = parseFloat(el.rangeTo.value);
    if (!isFinite(a) || !isFinite(b) || a >= b) return null;
    return [a, b];
  }

  function loadPlot(source, at) {
    if (manyVariables()) { oneVariableOnly(el.plot); return; }
    var n = nextSeq("plot");
    var range = plotRange();
    if (!range) {
      showError(el.plot, { message: "the range needs From < To" });
      return;
    }
    setState(el.plot, "loading");
    api("plot", request(source, { range: range, at: at })).then(function (answer) {
      if (!isLatest("plot", n)) return;
      if (!answer.ok) { showFieldError(el.plot, answer.error, source, "no plot"); return; }
      var svg = parseSvg(answer.data.svg);
      if (!svg) { showError(el.plot, { message: "the plot could not be read" }); return; }
      clear(el.plot);
      el.plot.appendChild(svg);
      var caption = make("figcaption", null, at ? "f and its tangent at " + at : "f and f\u2032");
      el.plot.appendChild(caption);
      setState(el.plot, "ready");
    });
  }

  // The server's SVG text as a DOM node: parsed as XML (never as HTML), without scripts, event handlers,
  // foreign objects or external links, and scaled to the width of its box.
  function parseSvg(text) {
    if (typeof text !== "string") return null;
    var doc = new DOMParser().parseFromString(text, "image/svg+xml");
    var root = doc.documentElement;
    if (!root || root.nodeName.toLowerCase() !== "svg" || doc.getElementsByTagName("parsererror").length) return null;
    // matplotlib's <style> holds a rule for `*`: inline in the page it would apply to the whole page, so it
    // is dropped (style.css gives the plot the same rule, scoped to it).
    var banned = root.querySelectorAll("script, style, foreignObject, iframe, object, embed");
    for (var i = 0; i < banned.length; i++) banned[i].parentNode.removeChild(banned[i]);
    var all = [root].concat(Array.prototype.slice.call(root.querySelectorAll("*")));
    all.forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attr) {
        var name = attr.name.toLowerCase();
        var href = name === "href" || name === "xlink:href" || name === "src";
        if (name.indexOf("on") === 0 || (href && !/^#/.test(attr.value.trim()))) {
          node.removeAttribute(attr.name);
        }
      });
    });
    var svg = document.importNode(root, true);
    if (!svg.getAttribute("viewBox")) {
      var w = parseFloat(svg.getAttribute("width")), h = parseFloat(svg.getAttribute("height"));
      if (isFinite(w) && isFinite(h)) svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    }
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "plot of f and its derivative");
    svg.setAttribute("class", "plot-svg");
    return svg;
  }

  // ---- check my answer -----------------------------------------------------------------------------------

  function checkAnswer() {
    var n = nextSeq("verdict");
    var answerText = el.answer.value.trim();
    if (!answerText) {
      showError(el.verdict, { message: "type your derivative first" });
      el.answer.focus();
      return;
    }
    setState(el.verdict, "loading");
    expressionForApi().then(function (expr) {
      if (!isLatest("verdict", n)) return;
      if (!expr.ok) { showError(el.verdict, expr.error); return; }
      var order = chosenOrder();
      var body = request(expr.source, { answer: el.answer.value, wrt: chosenWrt(), order: order === 1 ? null : order });
      api("compare", body).then(function (answer) {
        if (!isLatest("verdict", n)) return;
        if (!answer.ok) { showFieldError(el.verdict, answer.error, expr.source); return; }
        showVerdict(answer.data);
      });
    });
  }

  function valueText(v) {
    if (!v || typeof v !== "object") return v === undefined || v === null ? null : String(v);
    var text = String(v.text);
    if (typeof v.float === "number" && String(v.float) !== text) text += " \u2248 " + formatNumber(v.float);
    return text;
  }

  // Right: the badge and how it was shown. Wrong: the badge, the derivative, and where the two differ.
  function showVerdict(data) {
    clear(el.verdict);
    var right = data.right === true;
    el.verdict.appendChild(make("p", "badge " + (right ? "badge-right" : "badge-wrong"),
                                right ? "\u2713 Right" : "\u2717 Wrong"));
    var lines = typeof data.text === "string" ? data.text.split("\n") : [];
    var name = typeof data.expected_name === "string" ? data.expected_name : "the derivative";
    var hasPoint = !right && data.point && typeof data.point === "object";
    if (right || typeof data.expected_latex !== "string") {
      lines.forEach(function (line, index) {
        var text = index === 0 ? line.replace(/^(right|wrong):\s*/, "") : line;
        el.verdict.appendChild(make("p", index === 0 ? "verdict-text" : "verdict-detail", text));
      });
    } else {
      var expected = make("div", "verdict-expected");
      renderMath(expected, "\\text{" + name.replace(/[{}\\$&#^_%~]/g, "") + " is } " + data.expected_latex, false);
      el.verdict.appendChild(expected);
      if (!hasPoint) {
        lines.slice(1).forEach(function (line) { el.verdict.appendChild(make("p", "verdict-detail", line)); });
      }
    }
    if (hasPoint) {
      var table = make("table", "counterexample");
      var caption = make("caption", null, "A counterexample");
      table.appendChild(caption);
      var body = make("tbody");
      var point = Object.keys(data.point).map(function (k) {
        var v = data.point[k];
        return k + " = " + (v && typeof v === "object" ? v.text : v);
      }).join(", ");
      [["at", point], ["your answer", valueText(data.answer_value)], [name, valueText(data.expected_value)]]
        .forEach(function (pair) {
          if (pair[1] === undefined || pair[1] === null) return;
          var tr = make("tr");
          var th = make("th", null, pair[0]); th.scope = "row";
          tr.appendChild(th);
          tr.appendChild(make("td", null, String(pair[1])));
          body.appendChild(tr);
        });
      table.appendChild(body);
      if (body.firstChild) el.verdict.appendChild(table);
    }
    el.verdict.setAttribute("data-right", right ? "true" : "false");
    setState(el.verdict, "ready");
  }

  // ---- copy buttons --------------------------------------------------------------------------------------

  function copy(text, what) {
    var done = function () { flashCopied("Copied the " + what + "."); };
    var fail = function () { flashCopied("Could not copy: select the text and copy it by hand."); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text) ? done() : fail(); });
    } else if (fallbackCopy(text)) {
      done();
    } else {
      fail();
    }
  }

  // Copying through a hidden textarea, for browsers without the asynchronous clipboard (or not allowed it).
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    var focused = document.activeElement;
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (focused && focused.focus) focused.focus();
    return ok;
  }

  var copyTimer = null;
  function flashCopied(message) {
    el.copyStatus.textContent = message;
    if (copyTimer) clearTimeout(copyTimer);
    copyTimer = setTimeout(function () { el.copyStatus.textContent = ""; }, 2500);
  }

  // ---- the URL: #expr=...&wrt=x&order=2&at=x%3D1 ---------------------------------------------------------

  var lastHash = null;

  function writeHash() {
    var params = new URLSearchParams();
    if (el.expr.value) params.set("expr", el.expr.value);
    if (el.fromLatex.checked) params.set("from", "latex");
    if (el.wrt.value.trim()) params.set("wrt", el.wrt.value.trim());
    if (chosenOrder() !== 1) params.set("order", String(chosenOrder()));
    if (el.point.value.trim()) params.set("at", el.point.value.trim());
    var range = plotRange();
    if (range && (range[0] !== -3 || range[1] !== 3)) params.set("range", range[0] + "," + range[1]);
    var hash = "#" + params.toString();
    lastHash = hash;
    if (location.hash !== hash && window.history && history.replaceState) {
      history.replaceState(null, "", location.pathname + location.search + hash);
    }
  }

  // Fills the fields from the URL; true when it names an expression (which is then differentiated).
  function readHash() {
    var raw = location.hash.replace(/^#/, "");
    if (!raw) return false;
    var params = new URLSearchParams(raw);
    el.expr.value = params.get("expr") || "";
    el.fromLatex.checked = params.get("from") === "latex";
    el.wrt.value = params.get("wrt") || "";
    var order = parseInt(params.get("order") || "1", 10);
    el.order.value = String(isFinite(order) && order >= 1 ? order : 1);
    el.point.value = params.get("at") || "";
    var range = (params.get("range") || "").split(",").map(parseFloat);
    if (range.length === 2 && isFinite(range[0]) && isFinite(range[1])) {
      el.rangeFrom.value = String(range[0]);
      el.rangeTo.value = String(range[1]);
    }
    return !!el.expr.value.trim();
  }

  function loadFromHash() {
    if (readHash()) {
      el.fromLatex.dispatchEvent(new Event("change"));
      lastHash = location.hash;
      differentiate();
    }
  }

  // ---- wiring --------------------------------------------------------------------------------------------

  function onSubmit(handler) {
    return function (event) { event.preventDefault(); handler(); };
  }

  el.expr.addEventListener("input", scheduleRead);
  // LaTeX input: the expression and the answer are both read as LaTeX.
  el.fromLatex.addEventListener("change", function () {
    var latex = el.fromLatex.checked;
    el.expr.placeholder = latex ? "x^{2} \\sin x" : "x^2 sin(x)";
    el.answer.placeholder = latex ? "2x \\sin x + x^{2} \\cos x" : "2 x sin(x) + x^2 cos(x)";
    el.answerNotation.textContent = latex ? " (LaTeX)" : "";
    scheduleRead();
  });
  el.form.addEventListener("submit", onSubmit(differentiate));
  el.pointForm.addEventListener("submit", onSubmit(evaluatePoint));
  el.checkForm.addEventListener("submit", onSubmit(checkAnswer));
  el.rangeForm.addEventListener("submit", onSubmit(function () {
    writeHash();
    expressionForApi().then(function (expr) {
      if (!expr.ok) { showError(el.plot, expr.error); return; }
      loadPlot(expr.source, el.point.value.trim());
    });
  }));
  ["gradient", "jacobian", "hessian"].forEach(function (kind) {
    el[kind].addEventListener("click", function () { chooseMatrix(kind); });
  });
  // Opening the steps loads them: on the summary's click (also sent by Enter and Space on it), so that
  // data-state is "loading" at once, and on "toggle" for any other way of opening.
  el.steps.querySelector("summary").addEventListener("click", function () {
    if (!el.steps.open) loadPendingSteps();
  });
  el.steps.addEventListener("toggle", function () {
    if (el.steps.open) loadPendingSteps();
  });
  el.copyLatex.addEventListener("click", function () {
    if (state.derivative) copy(state.derivative.latex || "", "LaTeX");
  });
  el.copyText.addEventListener("click", function () {
    if (state.derivative) copy(state.derivative.result || "", "text");
  });
  window.addEventListener("hashchange", function () {
    if (location.hash !== lastHash) loadFromHash();
  });

  fetch("/api/health", { cache: "no-store" }).then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (data && typeof data.version === "string") el.version.textContent = "symdiff " + data.version;
    }, function () { /* the version is decoration: no server, no version */ });

  loadFromHash();
})();
