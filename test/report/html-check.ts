// A strict little HTML parser for the report tests (no DOMParser in Node): every tag closed in order, attribute values
// double-quoted with no raw < > or ", no raw < > in text, entities well formed, ids unique. Returns a tree to query.
// Runtime-neutral.

export interface El { tag: string; attrs: Record<string, string>; children: El[]; text: string }

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW = new Set(['script', 'style']);
const ENTITY = /&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);/y;

function checkText(s: string, where: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<' || c === '>') throw new Error(`raw "${c}" in ${where} at …${s.slice(Math.max(0, i - 30), i + 30)}…`);
    if (c === '&') {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(s)) throw new Error(`bad entity in ${where} at …${s.slice(i, i + 20)}…`);
    }
  }
}

/** Parses the document (after an optional doctype); throws naming the first problem. */
export function parseHtml(html: string): El {
  const root: El = { tag: '#root', attrs: {}, children: [], text: '' };
  const stack: El[] = [root];
  const ids = new Set<string>();
  let i = 0;
  const doctype = /^<!DOCTYPE html>\s*/i.exec(html);
  if (doctype) i = doctype[0].length;
  while (i < html.length) {
    const top = stack[stack.length - 1];
    if (html.startsWith('<!--', i)) { const j = html.indexOf('-->', i); if (j < 0) throw new Error('unclosed comment'); i = j + 3; continue; }
    if (html[i] === '<') {
      const close = /^<\/([a-zA-Z][a-zA-Z0-9-]*)\s*>/.exec(html.slice(i, i + 80));
      if (close) {
        if (top.tag !== close[1].toLowerCase()) throw new Error(`</${close[1]}> closes <${top.tag}> at ${i}: …${html.slice(Math.max(0, i - 60), i + 20)}…`);
        stack.pop(); i += close[0].length; continue;
      }
      const open = /^<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*(\/?)>/.exec(html.slice(i));
      if (!open) throw new Error(`malformed tag at ${i}: …${html.slice(i, i + 60)}…`);
      const tag = open[1].toLowerCase(), attrs: Record<string, string> = {};
      for (const m of open[2].matchAll(/\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g)) {
        if (m[1] in attrs) throw new Error(`attribute ${m[1]} twice on <${tag}>`);
        checkText(m[2] ?? '', `attribute ${m[1]} of <${tag}>`);
        attrs[m[1]] = m[2] ?? '';
      }
      if (attrs.id !== undefined) { if (ids.has(attrs.id)) throw new Error(`id "${attrs.id}" twice`); ids.add(attrs.id); }
      const el: El = { tag, attrs, children: [], text: '' };
      top.children.push(el);
      i += open[0].length;
      if (RAW.has(tag)) {
        const end = html.indexOf(`</${tag}>`, i);
        if (end < 0) throw new Error(`unclosed <${tag}>`);
        el.text = html.slice(i, end); i = end + tag.length + 3;
      } else if (!VOID.has(tag) && open[3] !== '/') stack.push(el);
      continue;
    }
    const j = html.indexOf('<', i), s = html.slice(i, j < 0 ? html.length : j);
    checkText(s, `text inside <${top.tag}>`);
    top.children.push({ tag: '#text', attrs: {}, children: [], text: s });
    i += s.length;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.slice(1).map((e) => e.tag).join('>, <')}>`);
  return root;
}

/** Every element under e (depth first) that passes the test. */
export function all(e: El, test: (x: El) => boolean): El[] {
  const out: El[] = [];
  const walk = (x: El) => { for (const c of x.children) { if (c.tag !== '#text' && test(c)) out.push(c); walk(c); } };
  walk(e);
  return out;
}

export const byId = (e: El, id: string): El | undefined => all(e, (x) => x.attrs.id === id)[0];
export const hasClass = (x: El, c: string): boolean => (x.attrs.class ?? '').split(/\s+/).includes(c);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", nbsp: '\u00a0' };
/** The text content, entities decoded. */
export const text = (e: El): string => (e.tag === '#text' ? e.text.replace(/&(#?\w+);/g, (m, k: string) => ENTITIES[k] ?? m) : e.children.map(text).join(''));

/** The points of an SVG path's d attribute (M/L commands with absolute coordinates). */
export const pathPoints = (d: string): number => (d.match(/[ML]/g) ?? []).length;
