import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enhancedCodes, firstEnhanced, firstReplyCode, normaliseStatus } from './status-code.js';
import { classify } from './classify.js';
import { smtpCommand } from './smtp-command.js';

test('enhanced codes skip IP addresses and version numbers', () => {
  assert.deepEqual(enhancedCodes('host 10.5.1.1 (Postfix 2.11.3) said 550 5.1.1 no'), ['5.1.1']);
  assert.equal(firstEnhanced("5.1.0 - Unknown address error 550-'5.7.1 <x@y>... Access denied'"), '5.7.1');
  assert.equal(firstEnhanced('Sorry, no mailbox (#5.1.1)'), '5.1.1');
  assert.equal(firstReplyCode('remote host said: 550-5.1.1 The email account'), 550);
  assert.equal(firstReplyCode('550: : User unknown'), 550);
  assert.equal(firstReplyCode('port 25 on 192.0.2.250'), undefined);
  assert.equal(normaliseStatus('5.01.001 (x)'), '5.1.1');
});

test('the SMTP command a rejection answered', () => {
  assert.equal(smtpCommand('550 x (in reply to RCPT TO command)'), 'RCPT');
  assert.equal(smtpCommand('>>> RCPT To:<a@b>\n<<< 250 ok\n>>> DATA\n<<< 554 no'), 'DATA');
  assert.equal(smtpCommand('Connected to 192.0.2.1 but my name was rejected.'), 'HELO');
  assert.equal(smtpCommand('nothing here'), undefined);
});

test('classification: words first, then code; inferred codes when the report has none', () => {
  assert.deepEqual(classify({ diagnostic: '550 5.1.1 <a@b>... User Unknown', defaultClass: 5 }), { status: '5.1.1', reason: 'userunknown', hard: true, replyCode: 550 });
  // A DSN's generic Status is refined by the receiver's own code of the same class.
  assert.equal(classify({ diagnostic: '550 5.2.2 over quota', statusField: '5.0.0', defaultClass: 5 }).status, '5.2.2');
  // ...but not replaced by a code of another class.
  assert.equal(classify({ diagnostic: '450 4.2.2 over quota', statusField: '5.0.0', defaultClass: 5 }).status, '5.0.0');
  // Sender-side problems at MAIL FROM are never a bad recipient.
  const mail = classify({ diagnostic: '550 5.1.1 sender unknown', commandText: 'after MAIL FROM:<x@y>', defaultClass: 5 });
  assert.equal(mail.reason, 'rejected');
  assert.equal(mail.hard, false);
  // No code at all: the words decide, the class comes from the report.
  assert.deepEqual(classify({ diagnostic: 'User not listed in Domino Directory', defaultClass: 5 }), { status: '5.1.1', reason: 'userunknown', hard: true });
  assert.equal(classify({ diagnostic: 'retry timeout exceeded', defaultClass: 5 }).status, '4.4.7');
  // Temporary failures are never hard, whatever the words.
  assert.equal(classify({ diagnostic: '450 4.1.1 user unknown', commandText: 'in reply to RCPT TO command', defaultClass: 4 }).hard, false);
});
