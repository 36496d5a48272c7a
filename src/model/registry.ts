import { ModelManifestSchema, type BundledModel, type ModelManifest } from './manifest';
import { loadBundledModel, type LoadedModel } from './loaded-model';

/**
 * The models this isolate serves: bundled ones from `models/index.ts` plus any registered at run time (tests).
 * Each is loaded once per isolate on first use and cached.
 */
export class ModelRegistry {
  private readonly bundles = new Map<string, { manifest: ModelManifest; bundle: BundledModel }>();
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(
    bundles: BundledModel[],
    private defaultId: string | null,
    private readonly ensureBackend: () => Promise<unknown>,
  ) {
    for (const bundle of bundles) this.register(bundle);
  }

  /** Adds (or replaces) a model; the first registered becomes the default when none is set. */
  register(bundle: BundledModel, options: { makeDefault?: boolean } = {}): ModelManifest {
    const manifest = ModelManifestSchema.parse(bundle.manifest);
    this.bundles.set(manifest.id, { manifest, bundle });
    this.loaded.delete(manifest.id);
    if (options.makeDefault || this.defaultId === null || !this.bundles.has(this.defaultId)) this.defaultId = manifest.id;
    return manifest;
  }

  ids(): string[] {
    return [...this.bundles.keys()];
  }

  manifests(): ModelManifest[] {
    return [...this.bundles.values()].map((b) => b.manifest);
  }

  get defaultModelId(): string | null {
    return this.defaultId;
  }

  has(id: string): boolean {
    return this.bundles.has(id);
  }

  /** The loaded model; a failed load is not cached, so the next call retries. */
  get(id: string): Promise<LoadedModel> {
    const entry = this.bundles.get(id);
    if (!entry) throw new Error(`unknown model ${id}`);
    let model = this.loaded.get(id);
    if (!model) {
      model = this.ensureBackend().then(() => loadBundledModel(entry.manifest, entry.bundle));
      model.catch(() => this.loaded.delete(id));
      this.loaded.set(id, model);
    }
    return model;
  }
}
