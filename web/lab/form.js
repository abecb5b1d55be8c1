// The settings form, generated from simdnet's SETTINGS table (src/run/settings.ts): one field per setting with its
// help line and default, shown only for the models it applies to; read back through resolveConfig({ from: 'file' }),
// the experiment-file reader itself, so the page and the files cannot drift and each error names its field.
import { SETTINGS, DEFAULTS, resolveConfig, modelKind } from '../../dist/run/settings.js';

/** Settings that name places on disk or the data, which the lab sets elsewhere (the data picker): not in the form. */
export const NOT_IN_FORM = { out: 'a folder on disk', dataDir: 'a folder on disk', dataset: 'chosen with the data picker' };
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function toText(s, v) {
  if (v === undefined) return '';
  if (s.json === 'sizes') return v.join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The field's text as the JSON value an experiment file would hold (bad text is passed on for the reader to name). */
function fromText(s, text) {
  const t = text.trim();
  if (t === '') return undefined;
  if (s.json === 'number') return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : t;
  if (s.json === 'sizes') return t.split(',').map((x) => (x.trim() !== '' && Number.isFinite(Number(x)) ? Number(x) : x.trim()));
  if (t.startsWith('{') || t.startsWith('[')) {
    try { return JSON.parse(t); } catch (e) { throw Object.assign(new Error(`${s.key}: not valid JSON (${e.message})`), { key: s.key }); }
  }
  return t; // a name (or, for an object setting, text the reader refuses by name)
}

export class SettingsForm {
  /** form: an empty <form>; onApply(config) is called with the checked configuration. */
  constructor(form, onApply) {
    this.form = form;
    this.fields = new Map();
    const list = document.createElement('div');
    list.className = 'fields';
    for (const s of SETTINGS) {
      if (s.key in NOT_IN_FORM) continue;
      const id = `set-${s.key}`;
      const wrap = document.createElement('div');
      wrap.className = `field field-${s.json}`;
      wrap.dataset.key = s.key;
      // A flag that turns a default off (--no-diagnostics) is a checkbox that is on by default.
      const help = s.flag.startsWith('no-') ? `unchecked: ${s.help()} (--${s.flag})` : s.help();
      const big = s.json === 'model' || s.json === 'object' || s.json === 'weights';
      const input = document.createElement(big ? 'textarea' : 'input');
      input.id = id; input.name = s.key;
      if (s.json === 'boolean') input.type = 'checkbox';
      else if (!big) { input.type = 'text'; input.autocomplete = 'off'; input.spellcheck = false; if (s.json === 'number') input.inputMode = 'decimal'; }
      else { input.rows = 2; input.spellcheck = false; }
      input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
      const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: s.key });
      const helpEl = Object.assign(document.createElement('small'), { id: `${id}-help`, textContent: help });
      const err = Object.assign(document.createElement('span'), { id: `${id}-error`, className: 'error' });
      err.setAttribute('role', 'alert');
      wrap.append(label, input, helpEl, err);
      list.append(wrap);
      this.fields.set(s.key, { s, input, wrap, err });
      if (s.key === 'model') input.addEventListener('input', () => this.showApplicable());
    }
    const buttons = document.createElement('div');
    buttons.className = 'controls';
    this.summary = Object.assign(document.createElement('p'), { className: 'form-summary', id: 'form-summary' });
    this.summary.setAttribute('aria-live', 'polite');
    const apply = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Apply to variant', className: 'primary', id: 'apply-settings' });
    buttons.append(apply);
    const note = Object.assign(document.createElement('p'), { className: 'note',
      textContent: `Not here: ${Object.entries(NOT_IN_FORM).map(([k, why]) => `${k} (${why})`).join(', ')}. Empty fields take their defaults.` });
    form.replaceChildren(list, note, this.summary, buttons);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const config = this.read();
      if (config) onApply(config);
    });
  }

  /** Fills the form with a configuration (a variant's); `dataset` is kept as given. */
  fill(config) {
    this.dataset = config.dataset;
    for (const { s, input } of this.fields.values()) {
      const v = config[s.key];
      if (s.json === 'boolean') input.checked = !!v;
      else input.value = toText(s, v);
    }
    this.clearErrors();
    this.showApplicable();
  }

  /** Shows only the settings that apply to the model in the model field. */
  showApplicable() {
    let kind = 'file';
    try { kind = modelKind(fromText(this.fields.get('model').s, this.fields.get('model').input.value) ?? DEFAULTS.model); } catch { /* shown on apply */ }
    for (const { s, wrap } of this.fields.values()) wrap.hidden = !!s.models && !s.models.includes(kind);
  }

  clearErrors() {
    for (const { input, err } of this.fields.values()) { err.textContent = ''; input.removeAttribute('aria-invalid'); }
    this.summary.textContent = '';
  }

  /** The form's settings checked by resolveConfig (from: 'file'); null, with the error shown at its field, when refused. */
  read() {
    this.clearErrors();
    const partial = this.dataset !== undefined && this.dataset !== DEFAULTS.dataset ? { dataset: this.dataset } : {};
    try {
      for (const { s, input, wrap } of this.fields.values()) {
        if (wrap.hidden) continue;
        const v = s.json === 'boolean' ? input.checked : fromText(s, input.value);
        if (v !== undefined && !same(v, DEFAULTS[s.key])) partial[s.key] = v;
      }
      return resolveConfig(partial, { from: 'file' });
    } catch (e) {
      this.showError(e);
      return null;
    }
  }

  /** Puts a reader's message at the field it names (the setting's key starts it), and in the summary. */
  showError(e) {
    const msg = e.message;
    const keys = [...this.fields.keys()].sort((a, b) => b.length - a.length);
    const key = e.key ?? keys.find((k) => new RegExp(`^${k}\\b`).test(msg)) ?? keys.find((k) => msg.includes(`"${k}"`) || new RegExp(`\\b${k}\\b`).test(msg));
    const f = key && this.fields.get(key);
    this.summary.textContent = `Not applied: ${msg}`;
    if (!f) return;
    f.err.textContent = msg;
    f.input.setAttribute('aria-invalid', 'true');
    f.input.focus();
  }
}
