/**
 * The browser-mode transport when the WebSocket drops: a request in flight is rejected with
 * a plain error (not left hanging), the toolbar says the connection is lost, and the client
 * reconnects on its own and carries on. The drop is made by routing the page's WebSocket
 * through Playwright and closing it; the server on the other side is the real one.
 */
import { expect, test, type WebSocketRoute } from '@playwright/test';
import { openPanel } from './helpers.ts';

test('a dropped connection rejects the pending request, shows it, and reconnects', async ({ page }) => {
  let connections = 0;
  let dropOnStatus = false;
  let current: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/farm\?token=/, (ws) => {
    connections++;
    current = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      if (dropOnStatus && typeof message === 'string' && message.includes('"verb":"status"')) {
        // The server never sees this request; the socket goes down with it pending.
        dropOnStatus = false;
        void ws.close({ code: 1012, reason: 'dropped by the test' });
        return;
      }
      server.send(message);
    });
  });
  await openPanel(page);
  expect(connections).toBe(1);

  // Status is pending when the socket goes down: the dialog says so in plain words.
  dropOnStatus = true;
  await page.getByTestId('status-button').click();
  const dialog = page.getByTestId('status-dialog');
  await expect(dialog.getByRole('alert')).toContainText(/'status' failed: The connection to the solver farm was lost/);
  // …then the client reconnects by itself, and the dialog's next refresh succeeds.
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  await expect(dialog.getByTestId('status-latency')).toBeVisible();
  await expect(dialog.getByRole('alert')).toBeHidden();
  expect(connections).toBe(2);
  await page.keyboard.press('Escape');

  // A drop with nothing pending: the toolbar shows the lost connection, then recovers.
  await (current as WebSocketRoute | null)?.close({ code: 1012, reason: 'dropped by the test' });
  await expect(page.getByTestId('connection')).not.toHaveAttribute('data-state', 'open');
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  expect(connections).toBe(3);
  await expect(page.getByTestId('start')).toBeEnabled();
});
