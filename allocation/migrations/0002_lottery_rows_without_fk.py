# The lottery's entrant and result rows keep their link to the lottery without a database
# foreign-key check or an index of their own (see LOTTERY_ROWS_FK in allocation/models/lottery.py).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lotteryentrant",
            name="lottery",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="entrants",
                to="allocation.lottery",
                verbose_name="摇号",
            ),
        ),
        migrations.AlterField(
            model_name="lotteryresult",
            name="lottery",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="allocation.lottery",
                verbose_name="摇号",
            ),
        ),
    ]
