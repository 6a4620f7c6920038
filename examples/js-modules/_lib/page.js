// An HTML page around some text (escaped).
const escape = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const page = (text) => `<!DOCTYPE html><html><body><h1>${escape(text)}</h1></body></html>`;
