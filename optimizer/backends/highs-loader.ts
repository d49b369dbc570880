/** Loads the HiGHS WebAssembly runtime (about 80 ms; the first solve after it pays another 0.3-0.5 s of tier-up). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import highsModule, { type Highs } from 'highs';

/** A WebAssembly linear memory (this project's TypeScript libraries do not declare the WebAssembly API). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
/** The parts of the global `WebAssembly` used here. */
const wasm = (globalThis as unknown as { WebAssembly: { Memory: abstract new (...args: never[]) => WasmMemory; instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: WasmInstance }> } }).WebAssembly;

/** Emscripten's hook for instantiating the module itself (the `highs` loader passes its options to Emscripten). */
interface InstantiateHook {
  instantiateWasm(imports: object, receive: (instance: WasmInstance) => void): object;
}
type Loader = (options?: InstantiateHook) => Promise<Highs>;

// `highs` is CommonJS with an ESM build; under NodeNext typing its default import is the module object.
const loader = ((highsModule as unknown as { default?: Loader }).default ?? highsModule) as unknown as Loader;

/** Each loaded runtime's linear memory: what the direct model hand-over writes into (highs-handover.ts). */
const memories = new WeakMap<Highs, WasmMemory>();

/** The linear memory of a runtime from `loadHighs`; undefined for one loaded otherwise. */
export function highsMemory(highs: Highs): WasmMemory | undefined {
  return memories.get(highs);
}

/**
 * Loads a runtime, instantiating `highs.wasm` here (as Emscripten would: the file's bytes, the loader's imports)
 * so that its exported memory is known (`highsMemory`); the package does not export its heap views.
 */
export function loadHighs(): Promise<Highs> {
  return new Promise((resolve, reject) => {
    let memory: WasmMemory | undefined;
    const hook: InstantiateHook = {
      instantiateWasm(imports, receive) {
        const bytes = readFileSync(createRequire(import.meta.url).resolve('highs/runtime'));
        wasm.instantiate(bytes, imports).then(({ instance }) => {
          memory = Object.values(instance.exports).find((e): e is WasmMemory => e instanceof wasm.Memory);
          receive(instance);
        }, reject);
        return {}; // instantiated asynchronously: Emscripten waits for `receive`
      },
    };
    loader(hook).then((highs) => {
      if (memory !== undefined) memories.set(highs, memory);
      resolve(highs);
    }, reject);
  });
}
