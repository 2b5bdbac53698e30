/** Electron main process: lifecycle only; everything else lives in services shared with the host. */
import { app, BrowserWindow, dialog, Notification, session, utilityProcess } from 'electron';
import { attachWindowEvents, registerElectronIpc } from './register-electron';
import { CONTENT_SECURITY_POLICY } from '../platform/content-security';
import { createWorkbench } from '../workbench';
import { hardenContents, isLocalUrl } from './security';
import { createMainWindow, rendererEntry } from './window';

const { events, dispatcher, training } = createWorkbench({
  transport: 'electron',
  log: (line) => console.error(line),
  // The trainer and the pseudo-mask workers run in Electron utilityProcesses: off the UI thread, and
  // a crash (GPU OOM) leaves the app alive. The toolkit (src-main/processes) never imports electron.
  childProcesses: { kind: 'utility', utilityProcess },
  pickFolder: async (title, files) => {
    const window = BrowserWindow.getFocusedWindow();
    const options: Electron.OpenDialogOptions = { title, properties: [files ? 'openFile' : 'openDirectory', 'createDirectory'] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
});

app.enableSandbox();

// One instance: launching the app again while it runs (say, training with no window) opens a
// window onto the running instance, which re-attaches to the live run.
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', () => {
  const existing = BrowserWindow.getAllWindows()[0];
  if (existing) existing.focus();
  else if (app.isReady()) openWindow();
});

function openWindow(): void {
  attachWindowEvents(createMainWindow().webContents, events);
}

// A system notification when a training run finishes or fails (the window may be hidden or closed).
training.onEnded((state) => {
  if (!Notification.isSupported()) return;
  const failed = state.status === 'failed';
  const detail = state.outcome?.kind === 'finished' ? `${state.outcome.reason} at step ${state.outcome.step}` : (state.outcome?.message ?? '');
  new Notification({ title: failed ? 'EADER: training failed' : 'EADER: training finished', body: `${state.runId ?? 'run'}: ${detail}` }).show();
  // The last window was closed during the run: now that it ended, the app can go.
  if (BrowserWindow.getAllWindows().length === 0 && process.platform !== 'darwin') app.quit();
});

// Every web contents, including any a bug might create, gets the same guards.
app.on('web-contents-created', (_event, contents) => hardenContents(contents, () => undefined));

void app.whenReady().then(() => {
  // No remote content: only our own files load, each answered with the strict CSP.
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isLocalUrl(details.url) });
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  registerElectronIpc(dispatcher, rendererEntry());
  openWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
});

app.on('window-all-closed', () => {
  // Training keeps going with no window (it lives in the trainer process and this main process);
  // launching the app again reopens a window that re-attaches. Otherwise quit, as Linux/Windows apps do.
  if (training.active) {
    new Notification({ title: 'EADER: training continues', body: 'Open EADER Workbench again to watch the run.' }).show();
    return;
  }
  if (process.platform !== 'darwin') app.quit();
});

// Quitting during a run: let the trainer write its final checkpoint first (it is killed after 10 s).
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !training.active) return;
  event.preventDefault();
  quitting = true;
  void training.shutdown().finally(() => app.quit());
});
