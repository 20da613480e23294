// Phone numbers: strict E.164 validation and masking (single numbers and free text).
import assert from 'node:assert/strict';
import { isValidE164, maskPhone, maskPhonesIn } from '../../domain/phone';

describe('phone', () => {
  describe('isValidE164', () => {
    it('accepts real numbers of several numbering plans', () => {
      for (const n of ['+34600111222', '+14155552671', '+447911123456']) assert.equal(isValidE164(n), true, n);
    });

    it('rejects a number without the leading +', () => {
      assert.equal(isValidE164('34600111222'), false);
      assert.equal(isValidE164('0034600111222'), false);
    });

    it('rejects spaces, dashes, brackets and letters', () => {
      for (const n of ['+34 600111222', '+34 600 111 222', '+34-600-111-222', '+1 (415) 555-2671', '+34600abc222', ' +34600111222', '+34600111222 ']) {
        assert.equal(isValidE164(n), false, JSON.stringify(n));
      }
    });

    it('rejects numbers too short and too long', () => {
      assert.equal(isValidE164('+34600'), false);
      assert.equal(isValidE164('+3460011'), false);
      assert.equal(isValidE164('+3460011122233344'), false); // 16 digits: beyond E.164's 15
      assert.equal(isValidE164('+346001112221234'), false); // 15 digits, but too long for Spain
      assert.equal(isValidE164('+4479111234567'), false); // one digit too many for a UK mobile
    });

    it('rejects numbers that are well formed but invalid in their numbering plan', () => {
      assert.equal(isValidE164('+3400000'), false);
      assert.equal(isValidE164('+15550100'), false); // a 7-digit NANP number
      assert.equal(isValidE164('+1555010012'), false); // 9 national digits in NANP
      assert.equal(isValidE164('+10005551234'), false); // NANP area code cannot start with 0
    });

    it('rejects a country code with a leading zero, and the empty string', () => {
      assert.equal(isValidE164('+034600111222'), false);
      assert.equal(isValidE164('+0'), false);
      assert.equal(isValidE164(''), false);
      assert.equal(isValidE164('+'), false);
    });
  });

  describe('maskPhone', () => {
    it('keeps the country code and the last three digits', () => {
      assert.equal(maskPhone('+34600111222'), '+34******222');
      assert.equal(maskPhone('+14155552671'), '+1*******671');
      assert.equal(maskPhone('+447911123456'), '+44*******456');
    });

    it('keeps the length of the number (one star per hidden digit)', () => {
      for (const n of ['+34600111222', '+14155552671', '+447911123456']) assert.equal(maskPhone(n).length, n.length, n);
    });
  });

  describe('maskPhonesIn', () => {
    it('masks an E.164 number inside free text', () => {
      assert.equal(maskPhonesIn('sent to +34600111222 at noon'), 'sent to +34******222 at noon');
      assert.equal(maskPhonesIn('a +14155552671 b +447911123456'), 'a +14******671 b +44*******456');
    });

    it('masks a number without + inside a URL path', () => {
      const out = maskPhonesIn('GET /v1/verifications/34600111222/status');
      assert.equal(out, 'GET /v1/verifications/34******222/status');
    });

    it('masks a %2B-encoded number in a query string, writing it with a plain +', () => {
      const out = maskPhonesIn('https://api.example.com/x?to=%2B34600111222&channel=sms');
      assert.equal(out, 'https://api.example.com/x?to=+34******222&channel=sms');
      assert.ok(!out.includes('600111'));
    });

    it('still hides the digits of a lowercase %2b-encoded number (the %2b itself is kept)', () => {
      const out = maskPhonesIn('to=%2b34600111222');
      assert.ok(!out.includes('600111'), out);
      assert.equal(out, 'to=%2b34******222');
    });

    it('leaves runs of fewer than 8 digits alone (ids, short codes, years)', () => {
      for (const t of ['id 12345', 'code 123456', '2024-05-01', 'n=1234567', 'port 3000']) assert.equal(maskPhonesIn(t), t);
    });

    it('masks any run of 8–15 digits, so a 13-digit millisecond timestamp is masked too (17********000)', () => {
      assert.equal(maskPhonesIn('ts=1700000000000'), 'ts=17********000');
      assert.equal(maskPhonesIn('12345678'), '12***678');
    });

    it('leaves text without digits unchanged', () => {
      assert.equal(maskPhonesIn('nothing to hide here'), 'nothing to hide here');
      assert.equal(maskPhonesIn(''), '');
    });
  });
});
