"""Text messages (owner alerts): through Amazon SNS, or, with AVENIR_SMS_DIR set (as `make run` sets
it), written there as one .txt file each (first line the number, then the text) and sent nowhere."""
import functools
import uuid
from pathlib import Path

from shared.mail.transports import PermanentFailure, TemporaryFailure
from shared.platform import settings

# SNS answers meaning the number or the text will never be accepted as they are.
_PERMANENT = ("InvalidParameter", "InvalidParameterValue", "OptedOut", "AuthorizationError")


def send(number: str, text: str, message_id: uuid.UUID, sns_client=None) -> None:
    folder = settings.sms_dir()
    if folder:
        path = Path(folder) / f"{message_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{number}\n{text}\n", encoding="utf-8")
        return
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        (sns_client or _sns()).publish(PhoneNumber=number, Message=text, MessageAttributes={
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})
    except ClientError as e:
        code = e.response.get("Error", {}).get("Code", "")
        failure = PermanentFailure if code in _PERMANENT else TemporaryFailure
        raise failure(f"SMS refused by SNS ({code})") from None
    except BotoCoreError as e:
        raise TemporaryFailure(f"SMS not sent: {type(e).__name__}") from None


@functools.cache
def _sns():
    import boto3

    return boto3.client("sns")  # in the Lambda's region (AWS_DEFAULT_REGION, which Lambda sets)
