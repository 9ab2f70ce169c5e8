// brackets-viewer ships a browser bundle that sets `window.bracketsViewer`; its package's
// `main` names a file it does not ship, so the bundle is imported by path.
declare module "brackets-viewer/dist/brackets-viewer.min.js";
declare module "brackets-viewer/dist/brackets-viewer.min.css";

interface Window {
  bracketsViewer?: {
    render(
      data: { stages: unknown[]; matches: unknown[]; matchGames: unknown[]; participants: unknown[] },
      config?: { selector?: string; clear?: boolean },
    ): Promise<void>;
  };
}
