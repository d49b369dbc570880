/** Loads the HiGHS WebAssembly runtime (about 80 ms; the first solve after it pays another 0.3-0.5 s of tier-up). */
import highsModule, { type Highs } from 'highs';

type Loader = () => Promise<Highs>;

// `highs` is CommonJS with an ESM build; under NodeNext typing its default import is the module object.
const loader = ((highsModule as unknown as { default?: Loader }).default ?? highsModule) as unknown as Loader;

export function loadHighs(): Promise<Highs> {
  return loader();
}
