/** Types of `size.mjs` for the size test. Sizes in bytes. */
export interface Size {
  readonly min: number;
  readonly gzip: number;
}
export interface Sizes {
  readonly core: Size;
  readonly coreWithPublicSuffixData: Size;
  readonly createPolicyOnly: Size;
  /** The per-request engine bundled from the sources: what requests load and run. */
  readonly engine: Size & { readonly modules: { readonly module: string; readonly min: number }[]; readonly importsTldts: boolean };
  readonly tldtsImporters: string[];
  readonly publicSuffixImporters: string[];
  readonly modules: { readonly module: string; readonly min: number }[];
  readonly adapters: { readonly name: string; readonly own: Size; readonly withCore: Size }[];
  readonly peers: { readonly name: string; readonly version: string; readonly min: number; readonly gzip: number }[];
  readonly budget: number;
}
export declare const CORE_BUDGET: number;
export declare const CORE_TARGET: number;
export declare const NEVER_PER_REQUEST: string[];
/** Reports whether a bundled module belongs to a part requests never run. */
export declare function isNeverPerRequest(module: string): boolean;
export declare const DOC: string;
export declare function measureSizes(): Promise<Sizes>;
export declare function renderSizes(sizes: Sizes): string;
