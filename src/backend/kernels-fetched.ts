// Stands in for kernels.generated.ts in browser bundles (package.json `browser` field): entry-browser.ts fetches
// kernels.wasm instead, so the base64 copy of the module is left out. Not for Node.
export const releaseWasmBase64: string = '';
