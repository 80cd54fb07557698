/**
 * Loads the built Corsica adapters (dist). An adapter that is not built yet (or fails to load)
 * is reported as missing and its rows are left out, never faked.
 */
export async function loadAdapter(name) {
  try {
    return { module: await import(`@corsica/${name}`) };
  } catch (error) {
    return { missing: `@corsica/${name} could not be loaded (${String(error?.code ?? error?.message ?? error).slice(0, 120)})` };
  }
}
