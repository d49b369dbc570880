/** Loads the HiGHS WebAssembly runtime (about 80 ms; the first solve after it pays another 0.3-0.5 s of tier-up). */
import highsModule, { type Highs } from 'highs';

/** A WebAssembly linear memory (this project's TypeScript libraries do not declare the WebAssembly API). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
type Instantiate = (bytes: unknown, imports: object) => Promise<{ instance: WasmInstance } | WasmInstance>;
/** The parts of the global `WebAssembly` used here. */
const wasm = (globalThis as unknown as { WebAssembly: { Memory: abstract new (...args: never[]) => WasmMemory; instantiate: Instantiate } }).WebAssembly;

type Loader = () => Promise<Highs>;

// `highs` is CommonJS with an ESM build; under NodeNext typing its default import is the module object.
const loader = ((highsModule as unknown as { default?: Loader }).default ?? highsModule) as unknown as Loader;

/** Each loaded runtime's linear memory: what the direct model hand-over writes into (highs-handover.ts). */
const memories = new WeakMap<Highs, WasmMemory>();

/** The linear memory of a runtime from `loadHighs`; undefined for one loaded otherwise. */
export function highsMemory(highs: Highs): WasmMemory | undefined {
  return memories.get(highs);
}

/** Loads run one at a time: each watches `WebAssembly.instantiate` while the package instantiates its module. */
let loading: Promise<unknown> = Promise.resolve();

/**
 * Loads a runtime as the package does (it reads and instantiates `highs.wasm`; no I/O here) and keeps the
 * instance's exported memory (`highsMemory`): the package does not export its heap views, so the global
 * `WebAssembly.instantiate` is watched for the duration of this one load (loads are serialised, and it is restored
 * however the load ends).
 */
export function loadHighs(): Promise<Highs> {
  const load = async (): Promise<Highs> => {
    const original = wasm.instantiate;
    let memory: WasmMemory | undefined;
    wasm.instantiate = async (bytes, imports) => {
      const result = await original.call(wasm, bytes, imports);
      const instance = 'instance' in result ? result.instance : result;
      memory ??= Object.values(instance.exports).find((e): e is WasmMemory => e instanceof wasm.Memory);
      return result;
    };
    try {
      const highs = await loader();
      if (memory !== undefined) memories.set(highs, memory);
      return highs;
    } finally {
      wasm.instantiate = original;
    }
  };
  const next = loading.then(load, load);
  loading = next.catch(() => undefined);
  return next;
}
