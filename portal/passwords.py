"""Django's four password validators with their messages in Chinese.

The rules are Django's; only the words change. Django's Chinese catalogue still lacks the message of
the length rule (its English text changed), and phrases the similarity rule awkwardly, so the
messages are written here rather than left to the catalogue (等保 2.0 身份鉴别: 口令复杂度要求, and
staff read every message in Chinese).
"""

from __future__ import annotations

from django.contrib.auth import password_validation as django_validation


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "密码与%(verbose_name)s过于相似。"

    def get_help_text(self):
        return "密码不能与用户名、姓名、电子邮箱等个人信息过于相似。"


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "这个密码太常见，容易被猜中，请换一个。"

    def get_help_text(self):
        return "密码不能是常见密码。"


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全是数字。"

    def get_help_text(self):
        return "密码不能全是数字。"
