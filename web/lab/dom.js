// The one DOM helper the lab's modules share: an element with properties and children.
export const el = (tag, props = {}, ...kids) => { const e = Object.assign(document.createElement(tag), props); e.append(...kids); return e; };
