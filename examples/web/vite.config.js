// The package instantiates its wasm with top-level await: build for targets that have it.
export default { build: { target: "esnext" }, optimizeDeps: { esbuildOptions: { target: "esnext" } } };
