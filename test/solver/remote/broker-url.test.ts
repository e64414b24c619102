import { describe, expect, it } from 'vitest';
import { BrokerError, describeConnectError, parseBrokerUrl, redact } from '../../../solver/remote/broker-url.ts';
import { backoffDelay } from '../../../solver/remote/connection.ts';

describe('broker URLs', () => {
  it('parses amqp and amqps URLs with the defaults amqplib uses', () => {
    expect(parseBrokerUrl('amqp://alice:s3cret@rabbit.example:5673/farm')).toMatchObject({
      protocol: 'amqp',
      host: 'rabbit.example',
      port: 5673,
      user: 'alice',
      vhost: 'farm',
      display: 'amqp://rabbit.example:5673/farm',
    });
    expect(parseBrokerUrl('amqps://bob:pw@rabbit.example/%2F')).toMatchObject({ port: 5671, vhost: '/' });
    expect(parseBrokerUrl('amqp://rabbit.example')).toMatchObject({ port: 5672, vhost: '/', user: 'guest' });
  });

  it('rejects what is not a broker URL, without echoing the password', () => {
    expect(() => parseBrokerUrl('http://alice:s3cret@host/vh')).toThrow(
      "broker URL 'http://alice:***@host/vh' uses 'http:'; expected amqp:// or amqps://",
    );
    expect(() => parseBrokerUrl('rabbit.example')).toThrow(/is not a broker URL: expected amqp:\/\/user:password@host/);
    try {
      parseBrokerUrl('ftp://a:topsecret@h/');
    } catch (err) {
      expect(err).toBeInstanceOf(BrokerError);
      expect((err as BrokerError).code).toBe('bad-url');
      expect((err as Error).message).not.toContain('topsecret');
    }
    expect(redact('amqp://u:pa:ss@h/v')).toBe('amqp://u:***@h/v');
    expect(redact('amqp://h/v')).toBe('amqp://h/v');
  });

  it('words connection failures for the person who typed the URL', () => {
    const target = parseBrokerUrl('amqp://alice:pw@rabbit.example:5672/farm');
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5672'), { code: 'ECONNREFUSED' });
    expect(describeConnectError(refused, target).message).toBe(
      'cannot reach the broker at amqp://rabbit.example:5672/farm (connection refused: is RabbitMQ running there and listening on that port?)',
    );
    expect(describeConnectError(new Error('connect ETIMEDOUT'), target).code).toBe('unreachable');
    expect(describeConnectError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }), target).message).toContain(
      'timed out',
    );
    const refusedLogin = new Error(
      'Handshake terminated by server: 403 (ACCESS_REFUSED) with message "ACCESS_REFUSED - Login was refused"',
    );
    expect(describeConnectError(refusedLogin, target).message).toBe(
      "broker refused the login for user 'alice' at amqp://rabbit.example:5672/farm: check the user and password",
    );
  });

  it('backs off exponentially with jitter, never past the cap', () => {
    const backoff = { initialMs: 100, maxMs: 2000 };
    expect(backoffDelay(backoff, 0, () => 0.5)).toBe(100);
    expect(backoffDelay(backoff, 3, () => 0.5)).toBe(800);
    for (let attempt = 0; attempt < 40; attempt++) {
      for (const r of [0, 0.5, 0.999]) expect(backoffDelay(backoff, attempt, () => r)).toBeLessThanOrEqual(2000);
    }
    expect(backoffDelay(backoff, 2, () => 0)).toBe(320);
  });
});
