// `pnpm analyze` writes custom-elements.json from the class doc comments; the output is
// committed so editors and docs tools find it without a build. Only the public surface is
// analysed: the mask element and everything under internal/ are implementation.

/**
 * The analyzer also reports each `this.dispatchEvent(new GateXEvent(arg))` as an event named
 * after `arg`, and lists Lit's internal `state` properties as attributes; the doc comment's
 * `@event` tags and the public members are the spec, so everything else is dropped.
 */
function publicSurfaceOnly() {
  return {
    name: 'public-surface-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.customElement) continue;
          const privateNames = new Set(
            (declaration.members ?? []).filter((m) => m.privacy === 'private').map((m) => m.name),
          );
          declaration.events = (declaration.events ?? []).filter((e) => e.name && e.description);
          declaration.attributes = (declaration.attributes ?? []).filter((a) => !privateNames.has(a.fieldName));
          declaration.members = (declaration.members ?? []).filter((m) => m.privacy !== 'private');
        }
      }
    },
  };
}

export default {
  globs: ['src/index.ts', 'src/tour-gate.ts', 'src/events.ts'],
  outdir: '.',
  litelement: true,
  plugins: [publicSurfaceOnly()],
};
