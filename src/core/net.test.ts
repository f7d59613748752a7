import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback, isNonPublicAddress } from './net.js';

test('non-public addresses: loopback, private, link-local, CGNAT, multicast, ULA, mapped; public ones pass', () => {
  for (const ip of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '::1', '::', 'fd00::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', '1.2.3']) {
    assert.equal(isNonPublicAddress(ip), true, ip);
  }
  for (const ip of ['8.8.8.8', '172.15.255.255', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2a00:1450:4001::1b', '2001:db8::1', '::ffff:8.8.4.4']) {
    assert.equal(isNonPublicAddress(ip), false, ip);
  }
  assert.equal(isLoopback('::ffff:127.0.0.2'), true);
});
