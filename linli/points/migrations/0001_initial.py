"""The points models, moved from the volunteering app without touching the database.

Their tables were created by ``volunteering.0001_initial`` and keep every row: this migration only
tells Django's model state that the models now belong to ``points`` (still on the old tables, named
by ``db_table``); ``volunteering.0004`` drops them from volunteering's state, and ``points.0002``
renames the tables and relabels their content types (so permissions held by groups stay).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('volunteering', '0003_activity_participants'),
        ('people', '0001_initial'),
        ('places', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='Scheme',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('points_per_hour', models.PositiveIntegerField(default=10, verbose_name='points per confirmed service hour')),
                    ('points_per_verified_case', models.PositiveIntegerField(default=5, verbose_name='points per verified case reported')),
                    ('points_per_meeting', models.PositiveIntegerField(default=3, verbose_name='points per meeting attended')),
                    ('points_per_wish', models.PositiveIntegerField(default=10, verbose_name='points per micro-wish fulfilled')),
                    ('manual_daily_cap', models.PositiveIntegerField(default=50, verbose_name='manual award cap per person per day')),
                    ('expiry', models.CharField(choices=[('never', 'Points never expire'), ('end_of_next_year', 'Points expire at the end of the following year')], default='never', max_length=20, verbose_name='expiry')),
                    ('rules', models.TextField(blank=True, verbose_name='rules (shown to members)')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('area', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='point_schemes', to='places.area', verbose_name='host unit')),
                ],
                options={
                    'db_table': 'volunteering_scheme',
                    'verbose_name': 'points scheme',
                    'verbose_name_plural': 'points schemes',
                },
            ),
            migrations.CreateModel(
                name='Reward',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('goods', 'Goods'), ('service', 'Service')], default='goods', max_length=10, verbose_name='kind')),
                    ('name', models.CharField(max_length=100, verbose_name='name')),
                    ('description', models.CharField(blank=True, max_length=300, verbose_name='description')),
                    ('points', models.PositiveIntegerField(verbose_name='points price')),
                    ('stock', models.PositiveIntegerField(verbose_name='stock')),
                    ('stock_offered', models.PositiveIntegerField(default=0, editable=False, verbose_name='stock offered in all')),
                    ('value_fen', models.PositiveIntegerField(verbose_name='declared value per item (fen)')),
                    ('valid_from', models.DateField(verbose_name='valid from')),
                    ('valid_until', models.DateField(verbose_name='valid until')),
                    ('collect_at', models.CharField(blank=True, max_length=200, verbose_name='where to collect')),
                    ('claim_days', models.PositiveSmallIntegerField(default=14, verbose_name='days to collect')),
                    ('active', models.BooleanField(default=True, verbose_name='active')),
                    ('sponsor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rewards', to='places.partnerunit', verbose_name='sponsor')),
                    ('scheme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rewards', to='points.scheme', verbose_name='scheme')),
                ],
                options={
                    'db_table': 'volunteering_reward',
                    'verbose_name': 'reward',
                    'verbose_name_plural': 'rewards',
                    'ordering': ['points', 'id'],
                },
            ),
            migrations.CreateModel(
                name='Account',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('person', 'Person'), ('issuance', 'Issuance'), ('redemption', 'Redemption sink'), ('expiry', 'Expiry')], max_length=12, verbose_name='kind')),
                    ('balance', models.BigIntegerField(default=0, verbose_name='balance')),
                    ('person', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='points_account', to='people.person', verbose_name='person')),
                    ('scheme', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='accounts', to='points.scheme', verbose_name='scheme')),
                ],
                options={
                    'db_table': 'volunteering_account',
                    'verbose_name': 'points account',
                    'verbose_name_plural': 'points accounts',
                },
            ),
            migrations.CreateModel(
                name='Transfer',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('amount', models.PositiveBigIntegerField(verbose_name='points')),
                    ('key', models.CharField(max_length=100, unique=True, verbose_name='idempotency key')),
                    ('source', models.CharField(choices=[('service', 'Volunteer service'), ('case', 'Verified case report'), ('meeting', 'Meeting attended'), ('wish', 'Micro-wish fulfilled'), ('manual', 'Manual award'), ('redemption', 'Reward redeemed'), ('refund', 'Unclaimed redemption refunded'), ('expiry', 'Points expired'), ('reversal', 'Correction')], max_length=12, verbose_name='source')),
                    ('source_ref', models.CharField(blank=True, max_length=50, verbose_name='source reference')),
                    ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                    ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='time')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                    ('credit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credits', to='points.account', verbose_name='to')),
                    ('debit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='debits', to='points.account', verbose_name='from')),
                    ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='points.transfer', verbose_name='reverses')),
                ],
                options={
                    'db_table': 'volunteering_transfer',
                    'verbose_name': 'points transfer',
                    'verbose_name_plural': 'points transfers',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='Redemption',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=6, verbose_name='redemption code')),
                    ('status', models.CharField(choices=[('pending', 'Waiting to be collected'), ('completed', 'Collected'), ('expired', 'Expired and refunded')], default='pending', max_length=10, verbose_name='status')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='redeemed at')),
                    ('expires_at', models.DateTimeField(verbose_name='collect by')),
                    ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='collected at')),
                    ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                    ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='people.person', verbose_name='person')),
                    ('reward', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='points.reward', verbose_name='reward')),
                    ('refund', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='refunded_redemption', to='points.transfer', verbose_name='refund')),
                    ('transfer', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='redemption', to='points.transfer', verbose_name='payment')),
                ],
                options={
                    'db_table': 'volunteering_redemption',
                    'verbose_name': 'redemption',
                    'verbose_name_plural': 'redemptions',
                    'ordering': ['-id'],
                },
            ),
            migrations.AddConstraint(
                model_name='reward',
                constraint=models.CheckConstraint(condition=models.Q(('points__gt', 0)), name='reward_price_positive'),
            ),
            migrations.AddConstraint(
                model_name='reward',
                constraint=models.CheckConstraint(condition=models.Q(('valid_until__gte', models.F('valid_from'))), name='reward_valid_period'),
            ),
            migrations.AddConstraint(
                model_name='account',
                constraint=models.CheckConstraint(condition=models.Q(('kind', 'issuance'), ('balance__gte', 0), _connector='OR'), name='account_not_overdrawn'),
            ),
            migrations.AddConstraint(
                model_name='account',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'person'), _negated=True), ('person__isnull', False), _connector='OR'), name='person_account_has_person'),
            ),
            migrations.AddConstraint(
                model_name='account',
                constraint=models.UniqueConstraint(condition=models.Q(('kind', 'person'), _negated=True), fields=('kind', 'scheme'), name='one_system_account_per_scheme'),
            ),
            migrations.AddIndex(
                model_name='transfer',
                index=models.Index(fields=['debit', 'id'], name='transfer_debit'),
            ),
            migrations.AddIndex(
                model_name='transfer',
                index=models.Index(fields=['credit', 'id'], name='transfer_credit'),
            ),
            migrations.AddIndex(
                model_name='transfer',
                index=models.Index(fields=['source', 'at'], name='transfer_source_at'),
            ),
            migrations.AddConstraint(
                model_name='transfer',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='transfer_amount_positive'),
            ),
            migrations.AddConstraint(
                model_name='transfer',
                constraint=models.CheckConstraint(condition=models.Q(('debit', models.F('credit')), _negated=True), name='transfer_between_two_accounts'),
            ),
            migrations.AddIndex(
                model_name='redemption',
                index=models.Index(fields=['status', 'expires_at'], name='redemption_status_expiry'),
            ),
            migrations.AddConstraint(
                model_name='redemption',
                constraint=models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('code',), name='pending_code_unique'),
            ),
            ],
        ),
    ]
