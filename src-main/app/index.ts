/** Electron main process: lifecycle only; everything else lives in services shared with the host. */
import { app, BrowserWindow, dialog, Notification, session, utilityProcess } from 'electron';
import { attachWindowEvents, registerElectronIpc } from '../ipc/register-electron';
import { CONTENT_SECURITY_POLICY } from '../host/static-files';
import { electronLauncher } from '../trainer/electron-launcher';
import { trainerEntry } from '../trainer/launch';
import { createWorkbench } from '../services/workbench';
import { hardenContents, isLocalUrl } from './security';
import { createMainWindow, rendererEntry } from './window';

const { events, dispatcher, training } = createWorkbench({
  transport: 'electron',
  log: (line) => console.error(line),
  // Training runs in an Electron utilityProcess: off the UI thread, and a crash (GPU OOM) leaves the app alive.
  trainerLauncher: () => electronLauncher(utilityProcess, trainerEntry()),
  pickFolder: async (title, files) => {
    const window = BrowserWindow.getFocusedWindow();
    const options: Electron.OpenDialogOptions = { title, properties: [files ? 'openFile' : 'openDirectory', 'createDirectory'] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
});

app.enableSandbox();

// A system notification when a training run finishes or fails (the window may be hidden or closed).
training.onEnded((state) => {
  if (!Notification.isSupported()) return;
  const failed = state.status === 'failed';
  const detail = state.outcome?.kind === 'finished' ? `${state.outcome.reason} at step ${state.outcome.step}` : (state.outcome?.message ?? '');
  new Notification({ title: failed ? 'EADER: training failed' : 'EADER: training finished', body: `${state.runId ?? 'run'}: ${detail}` }).show();
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
  attachWindowEvents(createMainWindow().webContents, events);

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) attachWindowEvents(createMainWindow().webContents, events);
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
