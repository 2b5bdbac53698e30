import { describe, expect, it } from 'vitest';
import { launchApp } from './fixtures/app';

describe('the page-error collector', () => {
  it('fails a spec whose page throws an uncaught error', async () => {
    const app = await launchApp();
    await app.page.getByTestId('status-bar').waitFor();
    await app.page.evaluate(() => {
      setTimeout(() => {
        throw new Error('boom from the page');
      }, 0);
    });
    await expect.poll(() => app.pageErrors.length).toBe(1);
    await expect(app.close()).rejects.toThrow(/boom from the page/);
  });
});
