/** The few parts of Marzipano 0.10 this example uses (the package ships no types). */
declare module 'marzipano' {
  interface View {
    setYaw(yaw: number): void;
  }
  interface Scene {
    switchTo(options?: { transitionDuration?: number }, done?: () => void): void;
    hotspotContainer(): { createHotspot(element: HTMLElement, position: { yaw: number; pitch: number }): unknown };
    view(): View;
  }
  interface Source {
    readonly __source: unique symbol;
  }
  const Marzipano: {
    Viewer: new (
      element: HTMLElement,
      options?: Record<string, unknown>,
    ) => {
      createScene(spec: { source: Source; geometry: unknown; view: View; pinFirstLevel?: boolean }): Scene;
      scene(): Scene | null;
      addEventListener(event: string, listener: () => void): void;
    };
    ImageUrlSource: { fromString(url: string): Source };
    EquirectGeometry: new (levels: { width: number }[]) => unknown;
    RectilinearView: {
      new (params: { yaw?: number; pitch?: number; fov?: number }, limiter?: unknown): View;
      limit: { traditional(maxResolution: number, maxVFov: number, maxHFov?: number): unknown };
    };
  };
  export default Marzipano;
}
